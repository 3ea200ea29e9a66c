using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Reopening after a storage error. A FasterLog instance that hit a write error stays failed, so the writer task,
/// while the log is failed, tries every <see cref="WalOptions.ReopenInterval"/> to replace it: retire it, recover the
/// last good commit exactly as at start-up, and commit a probe record. Until that succeeds new responses are refused
/// (503); afterwards they are admitted again. Responses that lost a record to the failure are persisted no further
/// (their durable cursors stop at the hole) and finish from memory.
/// </summary>
internal sealed class LogReopener(
    WalOptions options,
    FasterLogOpener opener,
    ActiveLog active,
    GroupCommitter committer,
    AwaitingCommitQueue awaiting,
    LogRetention retention,
    LostRecords lost,
    WalFault fault,
    WalShutdown shutdown,
    TimeProvider timeProvider,
    ILogger logger)
{
    // Wall-clock time, like the disk whose recovery is waited for. Writer task only.
    private long _nextAttemptTimestamp;
    private long _reopens;

    /// <summary>How often the log has reopened.</summary>
    public long Reopens => Interlocked.Read(ref _reopens);

    /// <summary>How long until the next attempt is due (zero or less: now). Writer task only.</summary>
    public TimeSpan UntilNextAttempt => Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _nextAttemptTimestamp);

    /// <summary>
    /// One attempt to replace the failed log; the next is due a <see cref="WalOptions.ReopenInterval"/> after it ends.
    /// On the writer task (which therefore writes nothing meanwhile), with the committer paused.
    /// </summary>
    public async Task TryReopenAsync()
    {
        await committer.PauseAsync().ConfigureAwait(false);
        try
        {
            await ReopenPausedAsync().ConfigureAwait(false);
        }
        finally
        {
            committer.Resume();
            _nextAttemptTimestamp = Stopwatch.GetTimestamp() + (long)(options.ReopenInterval.TotalSeconds * Stopwatch.Frequency);
        }
    }

    private async Task ReopenPausedAsync()
    {
        if (shutdown.IsDisposed || shutdown.StopRequested)
        {
            return;
        }

        var failure = fault.Message!;
        committer.AbandonAwaitingCommit(failure);

        // The failed instance goes out of use; a cold read still on it disposes it when it is done.
        active.Close();
        FasterLogInstance instance;
        try
        {
            instance = await opener.ReopenAsync(active.DurableUntil).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.WalReopenFailed(ex.Message);
            return;
        }

        active.Open(instance);
        var log = instance.Log;
        committer.Reopened(log.BeginAddress);
        retention.Reopened(log.BeginAddress);
        while (lost.TryTakeDeletionToRewrite(out var responseId))
        {
            var deletion = new PendingRecord(new WalRecordHeader(WalRecordKind.Deleted, WalRecordFlags.None, responseId, -1, timeProvider.GetUtcNow().ToUnixTimeMilliseconds()), ReadOnlyMemory<byte>.Empty);
            awaiting.Add(AwaitingCommit.Of(deletion, log.Enqueue(new WalLogEntry(deletion))));
        }

        Interlocked.Increment(ref _reopens);
        fault.Clear();
        logger.WalReopened(opener.Directory, failure, log.CommittedUntilAddress, lost.UnpersistableCount);
    }
}
