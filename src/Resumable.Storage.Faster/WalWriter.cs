using FASTER.core;
using Microsoft.Extensions.Logging;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// The writer: one task that moves queued records into the log's memory, in queue order, a batch at a time, and
/// hands every record it took to the committer through the <see cref="AwaitingCommitQueue"/>. It never touches the
/// disk itself, except to reopen the log after a storage error (<see cref="LogReopener"/>, on this task).
/// </summary>
internal sealed class WalWriter(
    WalOptions options,
    WalRecordQueue queue,
    ActiveLog active,
    AwaitingCommitQueue awaiting,
    LogRetention retention,
    LostRecords lost,
    WalFault fault,
    WalShutdown shutdown,
    LogReopener reopener,
    ILogger logger)
{
    // The current batch, bounded in records and in bytes (well inside a page, which must hold a whole batch).
    private const int MaxBatchRecords = 512;
    private const int FasterEntryHeaderBytes = 12;

    // How many records the last round took. After a round with records the writer lets the next ones gather for a
    // moment instead of waking for every single record (a thread-pool hop each); in Async durability waits for the
    // commit anyway, so this only trades wake-ups for under a millisecond of a commit interval. Not in Sync, where
    // readers wait for the commit: a record that gathers past a commit's start waits a whole interval more (Sync's
    // p50 under paced load went from 8.3 to 5.9 ms without it, at no CPU cost either mode could measure:
    // docs/benchmarks.md, "CPU per event at model speed").
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(1);
    private readonly bool _gathers = options.Durability != DurabilityMode.Sync && GatherTime < options.CommitInterval;
    private int _drained;

    // FasterLog holds an entry only within one page, with its own 12-byte header and 4-byte alignment.
    private readonly int _maxRecordBytes = (int)Math.Min(int.MaxValue, options.PageSizeBytes - 32);
    private readonly int _maxBatchBytes = (int)Math.Min(256 * 1024, options.PageSizeBytes / 4);
    private readonly WalLogEntry[] _batch = new WalLogEntry[MaxBatchRecords];
    private int _batchCount;
    private int _batchBytes;

    /// <summary>The writer loop; ends once the queue is completed and drained, or when the log closes.</summary>
    public async Task RunAsync()
    {
        var reader = queue.Reader;
        try
        {
            while (await WaitForRecordsAsync().ConfigureAwait(false))
            {
                _drained = 0;
                long takenBytes = 0;
                while (reader.TryRead(out var record))
                {
                    takenBytes += WalBacklog.BytesOf(record);
                    _drained++;
                    if (record.ReleaseOnly || record.Header.Kind == WalRecordKind.Deleted)
                    {
                        await FlushBatchAsync().ConfigureAwait(false);
                        retention.Forget(record.Header.ResponseId);
                        lost.Forget(record.Header.ResponseId);
                        if (record.ReleaseOnly)
                        {
                            // Nothing to write, but the durable cursor goes in log order, after every commit
                            // that could still advance it.
                            awaiting.Add(AwaitingCommit.Forgetting(record.Header.ResponseId));
                            continue;
                        }
                    }

                    if (fault.Message is { } failure)
                    {
                        // Never durable now: dropped, and sync readers get the frame from memory rather than hang.
                        await FlushBatchAsync().ConfigureAwait(false);
                        Drop(record, failure);
                        continue;
                    }

                    var entry = new WalLogEntry(record);
                    var length = entry.SerializedLength;
                    if (length > _maxRecordBytes || lost.IsUnpersistable(record.Header.ResponseId))
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

                // What this round took from the queue is placed (or dropped) by now but for the last batch: the backlog moves once.
                queue.Backlog.TakenByWriter(takenBytes, _drained);
                await FlushBatchAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            fault.Set(ex.Message);
            logger.WalWriteFailed(ex);
        }
    }

    // Waits for queued records; while the log is failed, wakes up for each reopening attempt.
    private async ValueTask<bool> WaitForRecordsAsync()
    {
        var reader = queue.Reader;
        while (true)
        {
            if (fault.Message is null)
            {
                if (_drained > 0 && _gathers)
                {
                    _drained = 0;
                    await Task.Delay(GatherTime).ConfigureAwait(false);
                }

                try
                {
                    // A fault (set by the committer) wakes the writer, so that it starts reopening.
                    return await reader.WaitToReadAsync(fault.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (fault.Message is not null)
                {
                    continue;
                }
            }

            var untilAttempt = reopener.UntilNextAttempt;
            if (untilAttempt <= TimeSpan.Zero)
            {
                await reopener.TryReopenAsync().ConfigureAwait(false);
                continue;
            }

            // Records that arrive meanwhile are dropped (and their responses marked) by the loop, in order.
            var records = reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(records, Task.Delay(untilAttempt)).ConfigureAwait(false) == records)
            {
                return await records.ConfigureAwait(false);
            }
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
            if (fault.Message is null && TryEnqueueBatch(active.Log!, new ArraySegment<WalLogEntry>(_batch, placed, _batchCount - placed)))
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
        using (retention.EnterPlacement())
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
                retention.Placed(entry.Record.Header, address);
                awaiting.Add(AwaitingCommit.Of(entry.Record, address));
                address += FasterEntryLength(entry.SerializedLength);
                bytes += entry.SerializedLength;
            }
        }

        awaiting.AddPendingRecords(entries.Count);
        awaiting.AddPendingBytes(bytes);
        return true;
    }

    private async ValueTask WriteOneAsync(WalLogEntry entry)
    {
        var record = entry.Record;
        if (fault.Message is { } failure)
        {
            Drop(record, failure);
            return;
        }

        long address;
        try
        {
            address = await EnqueueAsync(active.Log!, entry).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (fault.Message is { } failed)
        {
            Drop(record, failed);
            return;
        }
        catch (OperationCanceledException) when (shutdown.IsStopping)
        {
            Drop(record, "the write-ahead log was closed");
            return;
        }
        catch (Exception ex)
        {
            // A failed FasterLog instance may refuse records outright. The writer lives on: it drops records
            // until the log is reopened.
            if (fault.Message is null)
            {
                fault.Set(ex.Message);
                logger.WalWriteFailed(ex);
            }

            Drop(record, fault.Message ?? ex.Message);
            return;
        }

        awaiting.AddPendingRecords(1);
        awaiting.Add(AwaitingCommit.Of(record, address));
        awaiting.AddPendingBytes(entry.SerializedLength);
    }

    // The slow path: the record is placed as soon as the log's memory has room. Truncation is held off meanwhile,
    // so that it never passes the record before it is registered.
    private async ValueTask<long> EnqueueAsync(FasterLog log, WalLogEntry entry)
    {
        using (retention.EnterPlacement())
        {
            if (log.TryEnqueue(entry, out var address))
            {
                retention.Placed(entry.Record.Header, address);
                return address;
            }

            retention.WaitingForRoom();
        }

        var placed = -1L;
        try
        {
            // The log's memory is full until a flush completes: the slow path waits here, never the producer. A
            // fault or shutdown ends the wait.
            using var stopOrFault = CancellationTokenSource.CreateLinkedTokenSource(fault.Token, shutdown.Stopping);
            placed = await log.EnqueueAsync(entry, stopOrFault.Token).ConfigureAwait(false);
            return placed;
        }
        finally
        {
            retention.DoneWaiting(entry.Record.Header, placed);
        }
    }

    // A record lost to a failed log leaves a hole in its response: the response is persisted no further. A lost
    // deletion is written again once the log reopens, so that the response does not come back after a restart.
    private void Drop(in PendingRecord record, string failure)
    {
        lost.Lost(record.Header.Kind, record.Header.ResponseId);
        Skip(record, $"The write-ahead log has failed: {failure}");
    }

    // A record that will never be in the log still keeps its place in the queue, so that sync readers get its
    // frame in order (released by the committer, the only one that takes entries off the queue).
    private void Skip(in PendingRecord record, string reason)
    {
        record.Committed?.TrySetException(new IOException(reason));
        if (record.ReleaseTo is not null || record.Header.Kind == WalRecordKind.Deleted)
        {
            awaiting.Add(AwaitingCommit.Of(record, address: -1) with { Committed = null });
        }
    }

    // A record larger than a log page cannot be held by FasterLog. Rather than fail the whole log, the response
    // stops being persisted: its durable cursor stays below the record, and a sync reader still gets the frame,
    // in order, at the next commit.
    private void Refuse(in PendingRecord record, int length)
    {
        if (lost.MarkUnpersistable(record.Header.ResponseId))
        {
            logger.WalRecordTooLarge(record.Header.Kind, record.Header.ResponseId, length, _maxRecordBytes);
        }

        Skip(record, $"A {length}-byte record does not fit in a write-ahead log page ({_maxRecordBytes} bytes at most).");
    }
}
