using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>
/// What waits for the disk: bytes queued for the log writer plus bytes in the log's memory that no commit has
/// covered yet. Past <see cref="WalOptions.MaxPendingBytes"/> the log reports itself saturated, so that a disk
/// that stalls without failing bounds memory (new responses are refused) instead of growing it without limit.
/// </summary>
internal sealed class WalBacklog(long maxPendingBytes)
{
    private long _queuedBytes;
    private long _queuedRecords;

    /// <summary>The bound, in bytes.</summary>
    public long MaxPendingBytes { get; } = maxPendingBytes;

    /// <summary>Counts a record in as it is queued (any producer).</summary>
    public void Queued(in PendingRecord record)
    {
        Interlocked.Add(ref _queuedBytes, BytesOf(record));
        Interlocked.Increment(ref _queuedRecords);
    }

    /// <summary>Counts a record out that the queue refused after it was counted in.</summary>
    public void Taken(in PendingRecord record)
    {
        Interlocked.Add(ref _queuedBytes, -BytesOf(record));
        Interlocked.Decrement(ref _queuedRecords);
    }

    /// <summary>
    /// Counts out what the writer took from the queue in one drain round: one update per round rather than per
    /// record, so the writer's side costs no atomic operation per event.
    /// </summary>
    public void TakenByWriter(long bytes, long records)
    {
        Interlocked.Add(ref _queuedBytes, -bytes);
        Interlocked.Add(ref _queuedRecords, -records);
    }

    /// <summary>Records queued for the writer and not yet taken.</summary>
    public long QueuedRecords => Interlocked.Read(ref _queuedRecords);

    /// <summary>Bytes waiting for the disk now: queued, or in <paramref name="log"/>'s memory and not yet committed.</summary>
    public long PendingBytes(FasterLog? log) =>
        Volatile.Read(ref _queuedBytes) + (log is null ? 0 : Math.Max(0, log.TailAddress - log.CommittedUntilAddress));

    /// <summary>Why no new response should be taken, or null while the backlog is within its bound.</summary>
    public string? Saturation(FasterLog? log)
    {
        var pending = PendingBytes(log);
        return pending > MaxPendingBytes
            ? $"{pending} bytes wait for the disk, more than Resumable:Wal:MaxPendingBytes ({MaxPendingBytes})"
            : null;
    }

    /// <summary>The bytes <paramref name="record"/> counts for: its payload, or a consolidated record's frames.</summary>
    public static long BytesOf(in PendingRecord record)
    {
        long bytes = record.Payload.Length;
        foreach (var frame in record.ConsolidatedFrames.Span)
        {
            bytes += frame.Bytes.Length;
        }

        return bytes;
    }
}
