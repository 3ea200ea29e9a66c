using FASTER.core;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;

namespace Resumable.Storage.Faster;

internal sealed partial class FasterEventLog
{
    private const string LogFileName = "events.log";

    // FasterLog's first valid address: where the committed address stays when no commit could be recovered.
    private const long FirstValidAddress = 64;

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecoveredResponse>> RecoverAsync(CancellationToken cancellationToken)
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return [];
        }

        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);

        // Handed out once (to the recovery service) and then dropped, so that the log does not keep the
        // recovered frames alive after their responses expire.
        return Interlocked.Exchange(ref _recovered, []) ?? [];
    }

    // Opens the log and reads what it holds, once.
    private async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_recovered is null)
            {
                var instance = await OpenAsync(cancellationToken).ConfigureAwait(false);
                _active.Open(instance);
                _recovered = Scan(instance.Log);
            }
        }
        finally
        {
            _openLock.Release();
        }
    }

    // Opens the log at start-up or, with reopening, in place of a failed instance: then nothing is renamed and the
    // recovered commit must reach the last one this process saw succeed, or the attempt fails (to be retried)
    // rather than writing over durable data.
    private async Task<FasterLogInstance> OpenAsync(CancellationToken cancellationToken, bool reopening = false)
    {
        BlockingWriteThreads.Reserve(BlockingWriteThreads.InFlightWrites(_options));
        System.IO.Directory.CreateDirectory(Directory);
        var logPath = Path.Combine(Directory, LogFileName);
        var hadData = System.IO.Directory.EnumerateFiles(Directory, LogFileName + ".*").Any(file => new FileInfo(file).Length > 0);

        // A commit file left empty (the disk filled while it was written) is not a commit: set it aside, and
        // likewise any newest commit that recovers nothing while older ones remain, so recovery reaches the
        // last good commit.
        var commitDirectory = CommitDirectory;
        IDevice device;
        CheckedLogCommitManager commitManager;
        FasterLog log;
        for (var attempt = 0; ; attempt++)
        {
            if (!reopening)
            {
                SetAsideEmptyCommits(commitDirectory);
            }

            device = _deviceFactory.Create(logPath);
            commitManager = new CheckedLogCommitManager(commitDirectory);
            try
            {
                log = await FasterLog.CreateAsync(Settings(device, commitManager), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                device.Dispose();
                if (ex is OperationCanceledException)
                {
                    throw;
                }

                throw new WalRecoveryException($"The write-ahead log in '{Directory}' could not be recovered: {ex.Message}", ex);
            }

            if (reopening)
            {
                if (log.CommittedUntilAddress < _active.DurableUntil)
                {
                    log.Dispose();
                    device.Dispose();
                    throw new IOException($"Recovery reached address {log.CommittedUntilAddress}, short of the last good commit ({_active.DurableUntil}); the storage is not readable yet.");
                }

                break;
            }

            var commits = CommitFiles(commitDirectory);
            if (!hadData || (commits.Count > 0 && log.CommittedUntilAddress > FirstValidAddress) || commits.Count == 1)
            {
                // A commit was recovered (FasterLog leaves the committed address at its first valid address when
                // none could be; a recovered log may well be truncated to its end), or a fresh log, or the only
                // commit there is.
                break;
            }

            log.Dispose();
            device.Dispose();
            if (commits.Count == 0 || attempt >= 8)
            {
                throw new WalRecoveryException(
                    $"The write-ahead log in '{Directory}' has log files but no commit could be recovered (are the files in 'commits' missing?). " +
                    "Refusing to start on an empty log in its place: restore the commit files, or move the directory aside to start empty.");
            }

            SetAside(commits[0]);
        }

        // Every open proves that the storage takes writes; the proof's commit number tells which commit files
        // are left over from an earlier instance (commits it attempted after the one recovered): those are set
        // aside, so that they can neither shadow nor outlive the commits this instance writes under their numbers.
        long commitNumber;
        try
        {
            commitNumber = await WriteOpenedRecordAsync(log, commitManager).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            log.Dispose();
            device.Dispose();
            throw new WalRecoveryException($"The write-ahead log in '{Directory}' cannot be written: {ex.Message}", ex);
        }

        foreach (var stale in CommitFiles(commitDirectory).Where(file => CommitNumberOf(file) > commitNumber))
        {
            SetAside(stale);
        }

        _logger.WalOpened(Directory, log.BeginAddress, log.CommittedUntilAddress);
        return new FasterLogInstance(log, device, commitManager);
    }

    private string CommitDirectory => Path.Combine(Directory, "commits", "log-commits");

    private FasterLogSettings Settings(IDevice device, CheckedLogCommitManager commits) => new()
    {
        LogDevice = device,

        // Commit records whose write failures are seen (FASTER's own manager would swallow them).
        LogCommitManager = commits,
        PageSize = _options.PageSizeBytes,
        MemorySize = _options.MemorySizeBytes,
        SegmentSize = _options.SegmentSizeBytes,
        LogChecksum = LogChecksumType.PerEntry,

        // Old commits are pruned by PruneCommitFiles, keeping a few, so that recovery can fall back to the last
        // good one when the newest is torn.
        RemoveOutdatedCommits = false,
        AutoRefreshSafeTailAddress = false,

        // With CreateAsync this asks for an explicit asynchronous recovery whose failures surface, unlike the
        // synchronous constructor's.
        TryRecoverLatest = true,
    };

    // Each open commits one record first: from then on, log files without any commit can only mean damage.
    // Returns the commit's number.
    private async Task<long> WriteOpenedRecordAsync(FasterLog log, CheckedLogCommitManager commits)
    {
        var header = new WalRecordHeader(WalRecordKind.Opened, WalRecordFlags.None, ResponseId.Prefix + new string('0', 32), -1, NowMs());
        var buffer = new byte[WalRecordCodec.EncodedLength(0)];
        WalRecordCodec.Write(buffer, header, ReadOnlySpan<byte>.Empty);
        log.Enqueue(buffer);
        if (!log.CommitStrongly(out var until, out var commitNumber, spinWait: false))
        {
            throw new IOException("FasterLog refused to commit.");
        }

        await log.WaitForCommitAsync(until, commitNumber, CancellationToken.None).ConfigureAwait(false);
        return commits.Failure is { } failure ? throw new IOException(failure) : commitNumber;
    }

    private static List<FileInfo> CommitFiles(string commitDirectory) =>
        System.IO.Directory.Exists(commitDirectory)
            ? new DirectoryInfo(commitDirectory).EnumerateFiles("commit.*")
                .Where(file => file.Extension != ".torn")
                .OrderByDescending(CommitNumberOf)
                .ToList()
            : [];

    private static long CommitNumberOf(FileInfo commit) => long.TryParse(commit.Name.Split('.')[1], out var number) ? number : -1;

    private void SetAsideEmptyCommits(string commitDirectory)
    {
        foreach (var file in CommitFiles(commitDirectory).Where(file => file.Length == 0))
        {
            SetAside(file);
        }
    }

    private void SetAside(FileInfo commit)
    {
        _logger.WalCommitSetAside(commit.Name, commit.Length);
        commit.MoveTo(commit.FullName + ".torn", overwrite: true);
    }

    // Reads every committed record once; a record that fails its checksum stops start-up rather than being served.
    private List<RecoveredResponse> Scan(FasterLog log)
    {
        var builders = new Dictionary<string, Builder>(StringComparer.Ordinal);
        var order = new List<string>();
        using var iterator = log.Scan(log.BeginAddress, log.CommittedUntilAddress);
        while (true)
        {
            byte[] entry;
            int length;
            long address;
            try
            {
                if (!iterator.GetNext(out entry, out length, out address, out _))
                {
                    break;
                }
            }
            catch (Exception ex)
            {
                throw new WalRecoveryException($"The write-ahead log in '{Directory}' is damaged inside committed data near address {iterator.NextAddress}: {ex.Message}", ex);
            }

            if (!WalRecordCodec.TryRead(entry.AsSpan(0, length), out var header, out var payload, out var problem))
            {
                throw new WalRecoveryException($"The write-ahead log in '{Directory}' is damaged inside committed data at address {address}: {problem}.");
            }

            switch (header.Kind)
            {
                case WalRecordKind.Created:
                    builders[header.ResponseId] = new Builder(CreatedRecord.Deserialize(payload), header.TimestampMs);
                    order.Add(header.ResponseId);
                    _retention.Recovered(header.ResponseId, address);
                    break;
                case WalRecordKind.Event when builders.TryGetValue(header.ResponseId, out var builder):
                    var frame = EventFrame.FromStored(header.SequenceNumber, payload);
                    builder.Frames.Add(frame);
                    builder.LastRecordAtMs = header.TimestampMs;
                    break;
                case WalRecordKind.Consolidated when builders.TryGetValue(header.ResponseId, out var builder):
                    if (header.Flags.HasFlag(WalRecordFlags.First))
                    {
                        builder.ColdLocations.Clear();
                    }

                    builder.ColdLocations.Add(address);
                    builder.ColdComplete = header.Flags.HasFlag(WalRecordFlags.Terminal);
                    break;
                case WalRecordKind.Deleted:
                    builders.Remove(header.ResponseId);
                    _retention.Forget(header.ResponseId);
                    break;
            }
        }

        var recovered = new List<RecoveredResponse>(builders.Count);
        var cursors = new DurableCursorBatch();
        foreach (var id in order)
        {
            if (builders.TryGetValue(id, out var builder))
            {
                recovered.Add(new RecoveredResponse(id, builder.Created, builder.Frames, builder.LastRecordAtMs, builder.ColdCopy()));
                if (builder.Frames.Count > 0)
                {
                    cursors.Advance(id, builder.Frames[^1].SequenceNumber);
                }
            }
        }

        cursors.Publish(_durability);

        return recovered;
    }

    private sealed class Builder(CreatedRecord created, long createdAtMs)
    {
        public CreatedRecord Created { get; } = created;

        public List<EventFrame> Frames { get; } = [];

        public long LastRecordAtMs { get; set; } = createdAtMs;

        public List<long> ColdLocations { get; } = [];

        public bool ColdComplete { get; set; }

        // A consolidation counts only when its last chunk was committed and it covers every event; else the
        // response is restored hot and goes cold again later.
        public ColdCopy? ColdCopy()
        {
            if (!ColdComplete || Frames.Count == 0 || !Frames[^1].IsTerminal)
            {
                return null;
            }

            long bytes = 0;
            foreach (var frame in Frames)
            {
                bytes += frame.Bytes.Length;
            }

            return new ColdCopy([.. ColdLocations], Frames.Count, bytes, Frames[^1].SequenceNumber);
        }
    }
}
