using System.Collections.Concurrent;
using System.Diagnostics;
using FASTER.core;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

internal sealed partial class FasterEventLog
{
    // Records in the log's memory that no commit has covered yet, in address order (one writer appends).
    private readonly ConcurrentQueue<AwaitingCommit> _awaitingCommit = new();

    // The oldest of those, already taken off the queue, that the last commit did not cover (committer only).
    // The committer takes entries off instead of peeking at them: ConcurrentQueue.TryPeek pins the queue's
    // segment for observation, after which the queue never reuses its slots and allocates new segments
    // all the time (a 64-byte slot per record, and extra full collections under load).
    private AwaitingCommit? _oldestAwaiting;

    // Responses of which the log lost or could not take a record (dropped while the log was failed, or larger
    // than a page): none of their later events is reported durable either, since a durable cursor must never
    // pass a missing event. They finish from memory.
    private readonly ConcurrentDictionary<string, bool> _unpersistable = new(StringComparer.Ordinal);

    // The writer's current batch (writer task only), bounded in records and in bytes (well inside a page, which
    // must hold a whole batch).
    private const int MaxBatchRecords = 512;
    private const int FasterEntryHeaderBytes = 12;
    private readonly WalLogEntry[] _batch = new WalLogEntry[MaxBatchRecords];
    private int _batchCount;
    private int _batchBytes;

    // Whether the writer's last round took any record. After a round with records the writer lets the next ones
    // gather for a moment instead of waking for every single record (a thread-pool hop each); durability waits
    // for the commit anyway, so this only trades wake-ups for under a millisecond of a commit interval.
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(1);
    private int _drained;

    // Deletions lost to a failed log, written again after it reopens.
    private readonly ConcurrentQueue<string> _deletionsToRewrite = new();
    private readonly DurableCursorBatch _durableCursors = new();
    private readonly List<(EventFrame Frame, IFrameSink ReleaseTo)> _releasable = [];

    // Serialises commits of the committer loop and the final commit at shutdown.
    private readonly SemaphoreSlim _commitLock = new(1, 1);
    private const int CommitsBetweenPrunes = 64;
    private const int CommitFilesKept = 4;
    private long _pendingBytes;
    private long _committedBeginAddress;
    private long _pendingRecords;
    private long _commits;
    private long _recordsCommitted;
    private long _lastCommitTicks;
    private long _maxCommitTicks;

    private volatile string? _fault;

    // Cancelled when the log faults, so that a writer waiting for log memory stops waiting; renewed on reopen.
    private CancellationTokenSource _faulted = new();

    /// <inheritdoc />
    public string? Fault => _fault;

    /// <inheritdoc />
    public WalStatistics? GetStatistics()
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return null;
        }

        var log = _active.Log;
        var commits = Interlocked.Read(ref _commits);
        var records = Interlocked.Read(ref _recordsCommitted);
        return new WalStatistics(
            Directory,
            log?.BeginAddress ?? 0,
            log?.TailAddress ?? 0,
            log?.CommittedUntilAddress ?? 0,
            SizeOnDisk(),
            commits,
            records,
            commits == 0 ? 0 : (double)records / commits,
            TimeSpan.FromTicks(Interlocked.Read(ref _lastCommitTicks)).TotalMilliseconds,
            TimeSpan.FromTicks(Interlocked.Read(ref _maxCommitTicks)).TotalMilliseconds,
            Interlocked.Read(ref _pendingRecords),
            _backlog.PendingBytes(log),
            _backlog.MaxPendingBytes,
            _fault,
            Interlocked.Read(ref _reopens),
            _unpersistable.Count);
    }

    // Moves queued records into the log's memory, in queue order, a batch at a time. Never touches the disk
    // itself, except to reopen the log after a storage error (see FasterEventLog.Reopen.cs).
    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await WaitForRecordsAsync(reader).ConfigureAwait(false))
            {
                _drained = 0;
                while (reader.TryRead(out var record))
                {
                    _backlog.Taken(record);
                    _drained++;
                    if (record.ReleaseOnly || record.Header.Kind == WalRecordKind.Deleted)
                    {
                        await FlushBatchAsync().ConfigureAwait(false);
                        _retention.Forget(record.Header.ResponseId);
                        _unpersistable.TryRemove(record.Header.ResponseId, out _);
                        if (record.ReleaseOnly)
                        {
                            // Nothing to write, but the durable cursor goes in log order, after every commit
                            // that could still advance it.
                            _awaitingCommit.Enqueue(AwaitingCommit.Forgetting(record.Header.ResponseId));
                            continue;
                        }
                    }

                    if (_fault is { } fault)
                    {
                        // Never durable now: dropped, and sync readers get the frame from memory rather than hang.
                        await FlushBatchAsync().ConfigureAwait(false);
                        Drop(record, fault);
                        continue;
                    }

                    var entry = new WalLogEntry(record);
                    var length = entry.SerializedLength;
                    if (length > _maxRecordBytes || _unpersistable.ContainsKey(record.Header.ResponseId))
                    {
                        await FlushBatchAsync().ConfigureAwait(false);
                        Refuse(record, length);
                        continue;
                    }

                    var footprint = FasterEntryLength(length);
                    if (_batchCount == MaxBatchRecords || _batchBytes + footprint > _maxBatchBytes)
                    {
                        await FlushBatchAsync().ConfigureAwait(false);
                    }

                    _batch[_batchCount++] = entry;
                    _batchBytes += footprint;
                }

                await FlushBatchAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            SetFault(ex.Message);
            _logger.WalWriteFailed(ex);
        }
    }

    // FasterLog's footprint of an entry: its own header (12 bytes with per-entry checksums) and 4-byte alignment.
    private static int FasterEntryLength(int length) => FasterEntryHeaderBytes + ((length + 3) & ~3);

    // One batch is one TryEnqueue: one epoch enter/exit, one lock, contiguous addresses. When the log's memory is
    // full (a slow disk), the first record waits for room through the slow path and the rest is tried as one
    // batch again: a flush frees at least a page, and a batch is at most a quarter of one, so a slow disk does not
    // turn every record into a wait of its own. When anything goes wrong, the slow path reports it, record by record.
    private async ValueTask FlushBatchAsync()
    {
        var placed = 0;
        while (placed < _batchCount)
        {
            if (_fault is null && TryEnqueueBatch(_active.Log!, new ArraySegment<WalLogEntry>(_batch, placed, _batchCount - placed)))
            {
                break;
            }

            await WriteOneAsync(_batch[placed]).ConfigureAwait(false);
            placed++;
        }

        // The entries hold frames: none is kept alive by the writer once it is in the log.
        Array.Clear(_batch, 0, _batchCount);
        _batchCount = 0;
        _batchBytes = 0;
    }

    private bool TryEnqueueBatch(FasterLog log, ArraySegment<WalLogEntry> entries)
    {
        long bytes = 0;
        using (_retention.EnterPlacement())
        {
            long address;
            try
            {
                if (!log.TryEnqueue(entries, out address))
                {
                    return false;
                }
            }
            catch (Exception)
            {
                // Nothing of the batch was placed; the slow path reports the failure, record by record.
                return false;
            }

            // FasterLog placed the batch contiguously from its first address.
            foreach (var entry in entries)
            {
                _retention.Placed(entry.Record.Header, address);
                Awaiting(entry.Record, address);
                address += FasterEntryLength(entry.SerializedLength);
                bytes += entry.SerializedLength;
            }
        }

        Interlocked.Add(ref _pendingRecords, entries.Count);
        AddPendingBytes(bytes);
        return true;
    }

    private async ValueTask WriteOneAsync(WalLogEntry entry)
    {
        var record = entry.Record;
        if (_fault is { } fault)
        {
            Drop(record, fault);
            return;
        }

        long address;
        try
        {
            address = await EnqueueAsync(_active.Log!, entry).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_fault is { } failure)
        {
            Drop(record, failure);
            return;
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            Drop(record, "the write-ahead log was closed");
            return;
        }
        catch (Exception ex)
        {
            // A failed FasterLog instance may refuse records outright. The writer lives on: it drops records
            // until the log is reopened.
            if (_fault is null)
            {
                SetFault(ex.Message);
                _logger.WalWriteFailed(ex);
            }

            Drop(record, _fault ?? ex.Message);
            return;
        }

        Interlocked.Increment(ref _pendingRecords);
        Awaiting(record, address);
        AddPendingBytes(entry.SerializedLength);
    }

    // The slow path: the record is placed as soon as the log's memory has room. Truncation is held off meanwhile,
    // so that it never passes the record before it is registered.
    private async ValueTask<long> EnqueueAsync(FasterLog log, WalLogEntry entry)
    {
        using (_retention.EnterPlacement())
        {
            if (log.TryEnqueue(entry, out var address))
            {
                _retention.Placed(entry.Record.Header, address);
                return address;
            }

            _retention.WaitingForRoom();
        }

        var placed = -1L;
        try
        {
            // The log's memory is full until a flush completes: the slow path waits here, never the producer. A
            // fault or shutdown ends the wait.
            using var stopOrFault = CancellationTokenSource.CreateLinkedTokenSource(_faulted.Token, _stopping.Token);
            placed = await log.EnqueueAsync(entry, stopOrFault.Token).ConfigureAwait(false);
            return placed;
        }
        finally
        {
            _retention.DoneWaiting(entry.Record.Header, placed);
        }
    }

    private void Awaiting(in PendingRecord record, long address) => _awaitingCommit.Enqueue(AwaitingCommit.Of(record, address));

    private void AddPendingBytes(long bytes)
    {
        if (Interlocked.Add(ref _pendingBytes, bytes) >= _options.CommitThresholdBytes && _commitSignal.CurrentCount == 0)
        {
            try
            {
                _commitSignal.Release();
            }
            catch (SemaphoreFullException)
            {
                // The committer is already signalled.
            }
        }
    }

    // A record lost to a failed log leaves a hole in its response: the response is persisted no further. A lost
    // deletion is written again once the log reopens, so that the response does not come back after a restart.
    private void Drop(in PendingRecord record, string fault)
    {
        switch (record.Header.Kind)
        {
            case WalRecordKind.Event or WalRecordKind.Created:
                _unpersistable.TryAdd(record.Header.ResponseId, true);
                break;
            case WalRecordKind.Deleted:
                _deletionsToRewrite.Enqueue(record.Header.ResponseId);
                break;
        }

        Skip(record, $"The write-ahead log has failed: {fault}");
    }

    // A record that will never be in the log still keeps its place in the queue, so that sync readers get its
    // frame in order (released by the committer, the only one that takes entries off the queue).
    private void Skip(in PendingRecord record, string reason)
    {
        record.Committed?.TrySetException(new IOException(reason));
        if (record.ReleaseTo is not null || record.Header.Kind == WalRecordKind.Deleted)
        {
            _awaitingCommit.Enqueue(AwaitingCommit.Of(record, address: -1) with { Committed = null });
        }
    }

    // A record larger than a log page cannot be held by FasterLog. Rather than fail the whole log, the response
    // stops being persisted: its durable cursor stays below the record, and a sync reader still gets the frame,
    // in order, at the next commit.
    private void Refuse(in PendingRecord record, int length)
    {
        if (_unpersistable.TryAdd(record.Header.ResponseId, true))
        {
            _logger.WalRecordTooLarge(record.Header.Kind, record.Header.ResponseId, length, _maxRecordBytes);
        }

        Skip(record, $"A {length}-byte record does not fit in a write-ahead log page ({_maxRecordBytes} bytes at most).");
    }

    // Group commit: one commit per interval (or when enough bytes are pending), never one per record.
    private async Task CommitLoopAsync()
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await _commitSignal.WaitAsync(_options.CommitInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await CommitPendingAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The committer must outlive anything a sink throws, or nothing would ever be committed again.
                SetFault(ex.Message);
                _logger.WalCommitFailed(ex);
            }
        }
    }

    private async Task CommitPendingAsync(CancellationToken cancellationToken)
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
            await CommitPendingLockedAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _commitLock.Release();
        }
    }

    private async Task CommitPendingLockedAsync(CancellationToken cancellationToken)
    {
        if (_fault is { } fault)
        {
            // Only the committer (and a reopening, under the same lock) takes entries off the queue, in order.
            AbandonAwaitingCommit(fault);
            return;
        }

        var instance = _active.Instance;
        if (instance is null || Volatile.Read(ref _disposed) == 1)
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
            Interlocked.Exchange(ref _pendingBytes, 0);
            var started = Stopwatch.GetTimestamp();
            try
            {
                // Issue the commit, then wait for the committed address to pass the tail we saw. A commit in flight
                // is never cancelled (an abandoned CommitAsync can miss its completion); shutdown waits for it.
                log.Commit(spinWait: false);
                await log.WaitForCommitAsync(until, -1, _abandonCommits.Token).ConfigureAwait(false);
                if (instance.CommitManager.Failure is { } failure)
                {
                    // FasterLog counts the commit as done, but its record is not on disk: it is not durable.
                    throw new IOException(failure);
                }
            }
            catch (OperationCanceledException) when (_abandonCommits.IsCancellationRequested)
            {
                // Shutdown gave up on a disk that does not answer: nothing of this commit is reported durable.
                return;
            }
            catch (Exception ex)
            {
                SetFault(ex.Message);
                _logger.WalCommitFailed(ex);
                return;
            }

            _active.Committed(log.CommittedUntilAddress);

            var elapsed = Stopwatch.GetElapsedTime(started).Ticks;
            Interlocked.Exchange(ref _lastCommitTicks, elapsed);
            if (elapsed > Interlocked.Read(ref _maxCommitTicks))
            {
                Interlocked.Exchange(ref _maxCommitTicks, elapsed);
            }

            if (Interlocked.Increment(ref _commits) % CommitsBetweenPrunes == 0)
            {
                _commitFiles.Prune(CommitFilesKept);
            }
        }

        AdvanceCursors(log.CommittedUntilAddress);
        _retention.TruncateReleased(log);
    }

    // After a commit: every event below the committed address is durable. One cursor update per response, all of
    // them handed to the durability listener in one call: the seam where durable cursors leave the log.
    private void AdvanceCursors(long committedUntil)
    {
        var records = 0L;
        while (TryTakeAwaiting(out var awaiting))
        {
            if (awaiting.Address >= committedUntil)
            {
                _oldestAwaiting = awaiting;
                break;
            }

            if (awaiting.SequenceNumber >= 0)
            {
                _durableCursors.Advance(awaiting.ResponseId, awaiting.SequenceNumber);
            }
            else if (awaiting.Kind == WalRecordKind.Deleted)
            {
                // A deletion or an expiry forgets the cursor here, in log order: the commit of an event queued
                // before it (this round or an earlier one) has advanced the cursor already and cannot bring it back.
                _durableCursors.Forget(awaiting.ResponseId);
            }

            if (awaiting.Frame is { } frame)
            {
                _releasable.Add((frame, awaiting.ReleaseTo!));
            }

            awaiting.Committed?.TrySetResult(awaiting.Address);
            if (awaiting.Address >= 0)
            {
                records++;
            }
        }

        _durableCursors.Publish(_durability);

        // Sync durability: events become visible to readers only now, after the cursors say they are durable,
        // so no reader ever holds an event that the durable cursor does not yet cover. Log order is kept.
        foreach (var (frame, releaseTo) in _releasable)
        {
            releaseTo.Release(frame);
        }

        _releasable.Clear();
        Interlocked.Add(ref _recordsCommitted, records);
        Interlocked.Add(ref _pendingRecords, -records);
    }

    // The oldest record awaiting commit, in log order. Committer only (under the commit lock).
    private bool TryTakeAwaiting(out AwaitingCommit awaiting)
    {
        if (_oldestAwaiting is { } oldest)
        {
            _oldestAwaiting = null;
            awaiting = oldest;
            return true;
        }

        return _awaitingCommit.TryDequeue(out awaiting);
    }

    // Called by the writer or the committer; the queue of records awaiting commit is left to the committer,
    // which drains it at its next round (in order).
    private void SetFault(string message)
    {
        _fault ??= message;
        _faulted.Cancel();
    }

    // Records in memory that no commit covered will never be durable: their responses are persisted no further,
    // their cursors stay where they are, and sync readers get the frames from memory. Under the commit lock only.
    private void AbandonAwaitingCommit(string message)
    {
        while (TryTakeAwaiting(out var awaiting))
        {
            if (awaiting.Address >= 0)
            {
                switch (awaiting.Kind)
                {
                    case WalRecordKind.Event or WalRecordKind.Created:
                        _unpersistable.TryAdd(awaiting.ResponseId, true);
                        break;
                    case WalRecordKind.Deleted:
                        _deletionsToRewrite.Enqueue(awaiting.ResponseId);
                        break;
                }
            }

            if (awaiting.Kind == WalRecordKind.Deleted)
            {
                // The response is gone whether or not its deletion is durable yet (it is written again on reopen).
                _durableCursors.Forget(awaiting.ResponseId);
            }

            awaiting.Abandon($"The write-ahead log has failed: {message}");
        }

        _durableCursors.Publish(_durability);
    }

    private long SizeOnDisk()
    {
        try
        {
            return new DirectoryInfo(Directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
