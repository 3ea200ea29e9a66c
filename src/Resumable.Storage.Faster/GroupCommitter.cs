using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Resumable.Core.Diagnostics;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Group commit: one commit per <see cref="WalOptions.CommitInterval"/> (or sooner once
/// <see cref="WalOptions.CommitThresholdBytes"/> are pending), never one per record. After each commit it walks the
/// records awaiting commit in log order and, for those the commit covered: hands every durable cursor it advanced,
/// and every cursor a deletion or expiry forgets, to the <see cref="IDurabilityListener"/> in one call
/// (<see cref="PublishCommitted"/>); then releases sync frames to their <see cref="IFrameSink"/>; then lets
/// <see cref="LogRetention"/> truncate. The whole commit path is in this type.
/// </summary>
internal sealed class GroupCommitter(
    WalOptions options,
    ActiveLog active,
    AwaitingCommitQueue awaiting,
    LogRetention retention,
    LostRecords lost,
    WalFault fault,
    WalShutdown shutdown,
    IDurabilityListener durability,
    ResumableMetrics? metrics,
    ILogger logger)
{
    // Serialises commits of the committer loop and the final commit at shutdown; a reopening or closing holds it
    // too (see PauseAsync), so that everything below runs on one thread at a time.
    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private readonly DurableCursorBatch _cursors = new();
    private readonly List<(EventFrame Frame, IFrameSink ReleaseTo)> _releasable = [];
    private Action? _releaseFrames;
    private long _committedBeginAddress;
    private long _commits;
    private long _recordsCommitted;
    private long _lastCommitTicks;
    private long _maxCommitTicks;

    /// <summary>Commits done.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Records those commits covered.</summary>
    public long RecordsCommitted => Interlocked.Read(ref _recordsCommitted);

    /// <summary>How long the last commit took.</summary>
    public TimeSpan LastCommitTime => TimeSpan.FromTicks(Interlocked.Read(ref _lastCommitTicks));

    /// <summary>How long the slowest commit took.</summary>
    public TimeSpan MaxCommitTime => TimeSpan.FromTicks(Interlocked.Read(ref _maxCommitTicks));

    /// <summary>
    /// The committer loop; ends when <see cref="WalShutdown.Stopping"/> is cancelled. Idle, it sleeps until the
    /// writer hands over a record; then it commits at most once per <see cref="WalOptions.CommitInterval"/>: at once
    /// when the last commit started an interval ago or more (a lone event waits for no timer), else when the
    /// interval since that commit has passed or enough bytes are pending.
    /// </summary>
    public async Task RunAsync()
    {
        var token = shutdown.Stopping;
        long lastCommitStarted = 0; // the machine's start: the first commit waits for no interval
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (!CommitWanted())
                {
                    await awaiting.WaitForEntriesAsync(token).ConfigureAwait(false);
                }

                var due = options.CommitInterval - Stopwatch.GetElapsedTime(lastCommitStarted);
                if (due > TimeSpan.Zero)
                {
                    await awaiting.WaitForCommitDueAsync(due, token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lastCommitStarted = Stopwatch.GetTimestamp();

            try
            {
                await CommitPendingAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The committer must outlive anything a sink or listener throws, or nothing would ever be committed again.
                fault.Set(ex.Message);
                logger.WalCommitFailed(ex);
            }
        }
    }

    // Whether a round has anything to do: entries await their commit or its release, or a truncation awaits the
    // commit that makes it durable (and frees its files). A failed log's entries are abandoned by a round too.
    private bool CommitWanted() =>
        awaiting.HasEntries || (active.Instance is { } instance && instance.Log.BeginAddress != _committedBeginAddress);

    /// <summary>Commits what is in the log's memory now (the loop's round, or the final commit when stopping).</summary>
    public async Task CommitPendingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _commitLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await CommitPendingLockedAsync().ConfigureAwait(false);
        }
        finally
        {
            _commitLock.Release();
        }
    }

    /// <summary>Waits for a commit in progress to finish and keeps the next from starting, until <see cref="Resume"/>.</summary>
    public Task PauseAsync() => _commitLock.WaitAsync();

    /// <summary>Lets commits run again after <see cref="PauseAsync"/>.</summary>
    public void Resume() => _commitLock.Release();

    /// <summary>A reopened log starts from <paramref name="beginAddress"/>, with nothing uncommitted. Only while paused.</summary>
    public void Reopened(long beginAddress)
    {
        _committedBeginAddress = beginAddress;
        awaiting.Reopened();
    }

    /// <summary>
    /// Records in memory that no commit covered will never be durable: their responses are persisted no further,
    /// their cursors stay where they are (a deletion's is forgotten all the same), and sync readers get the frames
    /// from memory. Only while paused, or from the commit path itself.
    /// </summary>
    public void AbandonAwaitingCommit(string message)
    {
        try
        {
            while (awaiting.TryTakeOldest(out var entry))
            {
                if (entry.Address >= 0)
                {
                    lost.Lost(entry.Kind, entry.ResponseId);
                }

                if (entry.Kind == WalRecordKind.Deleted)
                {
                    // The response is gone whether or not its deletion is durable yet (it is written again on reopen).
                    _cursors.Forget(entry.ResponseId);
                }

                entry.Abandon($"The write-ahead log has failed: {message}");
            }
        }
        finally
        {
            _cursors.Publish(durability);
        }
    }

    private async Task CommitPendingLockedAsync()
    {
        if (fault.Message is { } failure)
        {
            // Only the committer (and a reopening, with the committer paused) takes entries off, in order.
            AbandonAwaitingCommit(failure);
            return;
        }

        var instance = active.Instance;
        if (instance is null || shutdown.IsDisposed)
        {
            return;
        }

        var log = instance.Log;
        var until = log.TailAddress;
        var begin = log.BeginAddress;

        // A truncation becomes durable (and frees its files) only with a commit, even when no record is new.
        if (until > log.CommittedUntilAddress || begin != _committedBeginAddress)
        {
            _committedBeginAddress = begin;
            awaiting.CommitStarting();
            var started = Stopwatch.GetTimestamp();
            try
            {
                // Issue the commit, then wait for the committed address to pass the tail we saw. A commit in flight
                // is never cancelled (an abandoned CommitAsync can miss its completion); shutdown waits for it.
                log.Commit(spinWait: false);
                await log.WaitForCommitAsync(until, -1, shutdown.CommitsAbandoned).ConfigureAwait(false);
                if (instance.CommitManager.Failure is { } commitFailure)
                {
                    // FasterLog counts the commit as done, but its record is not on disk: it is not durable.
                    throw new IOException(commitFailure);
                }
            }
            catch (OperationCanceledException) when (shutdown.CommitsAbandoned.IsCancellationRequested)
            {
                // Shutdown gave up on a disk that does not answer: nothing of this commit is reported durable.
                return;
            }
            catch (Exception ex)
            {
                fault.Set(ex.Message);
                logger.WalCommitFailed(ex);
                return;
            }

            active.Committed(log.CommittedUntilAddress);
            var took = Stopwatch.GetElapsedTime(started);
            metrics?.WalCommitted(took);
            var elapsed = took.Ticks;
            Interlocked.Exchange(ref _lastCommitTicks, elapsed);
            if (elapsed > Interlocked.Read(ref _maxCommitTicks))
            {
                Interlocked.Exchange(ref _maxCommitTicks, elapsed);
            }

            Interlocked.Increment(ref _commits);
        }

        PublishCommitted(log.CommittedUntilAddress);
        retention.TruncateReleased(log);
    }

    // The commit's sync frames to their readers, in log order.
    private void ReleaseFrames()
    {
        foreach (var (frame, releaseTo) in _releasable)
        {
            releaseTo.Release(frame);
        }
    }

    /// <summary>
    /// After a commit every record below <paramref name="committedUntil"/> is durable. Walks them in log order and
    /// gathers one cursor change per response; this is the seam where "these (response, sequence number) pairs just
    /// became durable" leaves the log, in one <see cref="IDurabilityListener.Committed"/> call per commit. Sync frames
    /// are released only after it.
    /// </summary>
    private void PublishCommitted(long committedUntil)
    {
        var records = 0L;
        while (awaiting.TryTakeOldest(out var entry))
        {
            if (entry.Address >= committedUntil)
            {
                awaiting.KeepOldest(entry);
                break;
            }

            if (entry.SequenceNumber >= 0)
            {
                _cursors.Advance(entry.ResponseId, entry.SequenceNumber);
            }
            else if (entry.Kind == WalRecordKind.Deleted)
            {
                // A deletion or an expiry forgets the cursor here, in log order: the commit of an event queued
                // before it (this round or an earlier one) has advanced the cursor already and cannot bring it back.
                _cursors.Forget(entry.ResponseId);
            }

            if (entry.Frame is { } frame)
            {
                _releasable.Add((frame, entry.ReleaseTo!));
            }

            entry.Committed?.TrySetResult(entry.Address);
            if (entry.Address >= 0)
            {
                records++;
            }
        }

        try
        {
            // Sync durability: events become visible to readers only after the cursors say they are durable, so no
            // reader ever holds an event that the durable cursor does not yet cover; and they leave the node (to
            // Redis) only after that, so no other node is told of a state this node's callers cannot see yet.
            _cursors.Publish(durability, _releaseFrames ??= ReleaseFrames);
        }
        finally
        {
            _releasable.Clear();
            Interlocked.Add(ref _recordsCommitted, records);
            if (records > 0)
            {
                metrics?.WalRecordsCommitted(records);
            }

            awaiting.Committed(records);
        }
    }
}
