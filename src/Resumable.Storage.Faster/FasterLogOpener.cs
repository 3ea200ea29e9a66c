using FASTER.core;
using Microsoft.Extensions.Logging;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;

namespace Resumable.Storage.Faster;

/// <summary>
/// Opens the FasterLog in the log's directory: at start-up, falling back past commit files that recover nothing and
/// refusing log files without any commit; or, after a storage fault, in place of the failed instance, where nothing
/// is renamed and the recovered commit must reach the last one this process saw succeed. Every open commits one
/// <see cref="WalRecordKind.Opened"/> record first, which proves that the storage takes writes.
/// </summary>
internal sealed class FasterLogOpener(WalOptions options, string directory, ILogDeviceFactory deviceFactory, CommitFiles commitFiles, TimeProvider timeProvider, ILogger logger)
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
    public Task<FasterLogInstance> ReopenAsync(long durableUntil) => OpenAsync(durableUntil, CancellationToken.None);

    private async Task<FasterLogInstance> OpenAsync(long? mustReach, CancellationToken cancellationToken)
    {
        BlockingWriteThreads.Reserve(BlockingWriteThreads.InFlightWrites(options));
        System.IO.Directory.CreateDirectory(Directory);
        var logPath = Path.Combine(Directory, LogFileName);
        var hadData = System.IO.Directory.EnumerateFiles(Directory, LogFileName + ".*").Any(file => new FileInfo(file).Length > 0);

        // A commit file left empty (the disk filled while it was written) is not a commit: set it aside, and
        // likewise any newest commit that recovers nothing while older ones remain, so recovery reaches the
        // last good commit.
        IDevice device;
        CheckedLogCommitManager commitManager;
        FasterLog log;
        for (var attempt = 0; ; attempt++)
        {
            if (mustReach is null)
            {
                commitFiles.SetAsideEmpty();
            }

            device = deviceFactory.Create(logPath);
            commitManager = new CheckedLogCommitManager(commitFiles.DirectoryPath);
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

            var commits = commitFiles.List();
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

            commitFiles.SetAside(commits[0]);
        }

        try
        {
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
                throw new WalRecoveryException($"The write-ahead log in '{Directory}' cannot be written: {ex.Message}", ex);
            }

            foreach (var stale in commitFiles.List().Where(file => CommitFiles.NumberOf(file) > commitNumber))
            {
                commitFiles.SetAside(stale);
            }
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

        // Old commits are pruned by the committer (CommitFiles.Prune), keeping a few, so that recovery can fall
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
