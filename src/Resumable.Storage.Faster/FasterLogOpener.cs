using FASTER.core;
using Microsoft.Extensions.Logging;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;

namespace Resumable.Storage.Faster;

/// <summary>
/// Opens the FasterLog in the log's directory: at start-up, falling back past commits that recover nothing and
/// refusing log files without any commit; or, after a storage fault, in place of the failed instance, where nothing
/// is set aside before recovery and the recovered commit must reach the last one this process saw succeed. Every open commits one
/// <see cref="WalRecordKind.Opened"/> record first, which proves that the storage takes writes.
/// </summary>
internal sealed class FasterLogOpener(WalOptions options, string directory, ILogDeviceFactory deviceFactory, CommitRecords commitRecords, TimeProvider timeProvider, ILogger logger)
{
    private const string LogFileName = "events.log";

    // FasterLog's first valid address: where the committed address stays when no commit could be recovered.
    private const long FirstValidAddress = 64;

    /// <summary>The absolute directory of the log.</summary>
    public string Directory { get; } = directory;

    /// <summary>
    /// Opens the log at start-up. Throws <see cref="WalRecoveryException"/> when it exists but cannot be recovered
    /// or cannot be written.
    /// </summary>
    public Task<FasterLogInstance> OpenAsync(CancellationToken cancellationToken) => OpenAsync(mustReach: null, cancellationToken);

    /// <summary>
    /// Opens the log in place of a failed instance. Throws when recovery does not reach <paramref name="durableUntil"/>
    /// (the storage is not readable yet: retried later rather than writing over durable data) or the log cannot be written.
    /// </summary>
    public Task<FasterLogInstance> ReopenAsync(long durableUntil)
    {
        // A disk that filled up is not taken as writable again until it has room for a log page: the probe record is
        // small, and the commit slots need no new space, so a probe alone would succeed on a disk that fails the next
        // page's write, and the log would go back and forth between failed and open.
        var free = new DriveInfo(Directory).AvailableFreeSpace;
        if (free < options.PageSizeBytes)
        {
            throw new IOException($"The log's disk has {free:N0} bytes free, less than a log page ({options.PageSizeBytes:N0} bytes).");
        }

        return OpenAsync(durableUntil, CancellationToken.None);
    }

    private async Task<FasterLogInstance> OpenAsync(long? mustReach, CancellationToken cancellationToken)
    {
        BlockingWriteThreads.Reserve(BlockingWriteThreads.InFlightWrites(options));
        System.IO.Directory.CreateDirectory(Directory);
        var logPath = Path.Combine(Directory, LogFileName);
        var hadData = System.IO.Directory.EnumerateFiles(Directory, LogFileName + ".*").Any(file => new FileInfo(file).Length > 0);

        // A newest commit that recovers nothing while older ones remain is set aside, so recovery reaches the last
        // good commit. (A slot torn by a crash is not even listed: its checksum fails.)
        IDevice device;
        CheckedLogCommitManager commitManager;
        FasterLog log;
        for (var attempt = 0; ; attempt++)
        {
            device = deviceFactory.Create(logPath);
            commitManager = new CheckedLogCommitManager(commitRecords);
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

            if (mustReach is { } durableUntil)
            {
                if (log.CommittedUntilAddress < durableUntil)
                {
                    log.Dispose();
                    device.Dispose();
                    throw new IOException($"Recovery reached address {log.CommittedUntilAddress}, short of the last good commit ({durableUntil}); the storage is not readable yet.");
                }

                break;
            }

            var commits = commitRecords.List();
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
                    "Refusing to start on an empty log in its place: restore the 'commits' directory, or move the log's directory aside to start empty.");
            }

            commitRecords.SetAside(commits[0]);
        }

        try
        {
            // Every open proves that the storage takes writes; the proof's commit number tells which commits are left
            // over from an earlier instance (commits it attempted after the one recovered): those are set aside, so
            // that they can neither shadow nor outlive the commits this instance writes under their numbers. Commit
            // files of a log written before the slots are older than the proof, which is durable: they go.
            long commitNumber;
            try
            {
                commitNumber = await WriteOpenedRecordAsync(log, commitManager).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw new WalRecoveryException($"The write-ahead log in '{Directory}' cannot be written: {ex.Message}", ex);
            }

            foreach (var stale in commitRecords.List().Where(number => number > commitNumber))
            {
                commitRecords.SetAside(stale);
            }

            commitRecords.RetireFiles();
        }
        catch
        {
            log.Dispose();
            device.Dispose();
            throw;
        }

        logger.WalOpened(Directory, log.BeginAddress, log.CommittedUntilAddress);
        return new FasterLogInstance(log, device, commitManager);
    }

    private FasterLogSettings Settings(IDevice device, CheckedLogCommitManager commits) => new()
    {
        LogDevice = device,

        // Commit records whose write failures are seen (FASTER's own manager would swallow them).
        LogCommitManager = commits,
        PageSize = options.PageSizeBytes,
        MemorySize = options.MemorySizeBytes,
        SegmentSize = options.SegmentSizeBytes,
        LogChecksum = LogChecksumType.PerEntry,

        // Old commits stay in their slots until newer ones take them (CommitSlotFile), so that recovery can fall
        // back to the last good one when the newest is torn.
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
        var header = new WalRecordHeader(WalRecordKind.Opened, WalRecordFlags.None, ResponseId.Prefix + new string('0', 32), -1, timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
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
}
