using FASTER.core;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Cold copies: a finished response's frames written again as a few consolidated records, each well inside a log
/// page (FasterLog cannot hold a record larger than a page), queued and committed like any other record, and read
/// back by address, one read per record, each checked like any other record.
/// </summary>
internal sealed class ColdCopies(WalOptions options, WalRecordQueue queue, ActiveLog active, WalFault fault, TimeProvider timeProvider)
{
    private const int MaxConsolidatedPayloadBytes = 1 << 20;

    /// <inheritdoc cref="IEventLog.ConsolidateAsync"/>
    public async Task<ColdCopy> ConsolidateAsync(string responseId, ReadOnlyMemory<EventFrame> frames, CancellationToken cancellationToken)
    {
        if (options.Durability == DurabilityMode.None || frames.IsEmpty)
        {
            throw new InvalidOperationException($"Response {responseId} has nothing the write-ahead log can hold.");
        }

        if (fault.Message is { } failure)
        {
            throw new IOException($"The write-ahead log has failed: {failure}");
        }

        var runs = ConsolidatedRecord.Split(frames.Span, ConsolidatedPayloadLimit());
        var committed = new Task<long>[runs.Count];
        long bytes = 0;
        for (var i = 0; i < runs.Count; i++)
        {
            var run = frames.Slice(runs[i].Start, runs[i].Count);
            var flags = (i == 0 ? WalRecordFlags.First : WalRecordFlags.None) | (i == runs.Count - 1 ? WalRecordFlags.Terminal : WalRecordFlags.None);
            var completion = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            queue.Add(new PendingRecord(
                new WalRecordHeader(WalRecordKind.Consolidated, flags, responseId, run.Span[^1].SequenceNumber, timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
                ReadOnlyMemory<byte>.Empty,
                Committed: completion,
                ConsolidatedFrames: run));
            committed[i] = completion.Task;
            foreach (var frame in run.Span)
            {
                bytes += frame.Bytes.Length;
            }
        }

        var locations = await Task.WhenAll(committed).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new ColdCopy(locations, frames.Length, bytes, frames.Span[^1].SequenceNumber);
    }

    /// <inheritdoc cref="IEventLog.ReadColdAsync"/>
    public async Task<EventFrame[]> ReadColdAsync(string responseId, ColdCopy cold, CancellationToken cancellationToken)
    {
        // The read keeps the instance it started on: one that reopening or closing retires meanwhile is disposed
        // by this read once it is done, never under it.
        if (!active.TryLease(out var instance))
        {
            throw new IOException("The write-ahead log is not open right now (it is being reopened after a storage fault, or closed).");
        }

        try
        {
            return await ReadAsync(instance.Log, responseId, cold, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            instance.Release();
        }
    }

    private async Task<EventFrame[]> ReadAsync(FasterLog log, string responseId, ColdCopy cold, CancellationToken cancellationToken)
    {
        // One read per record when the estimate covers it (a record never holds more than the whole response).
        var estimate = (int)Math.Min(MaxConsolidatedPayloadBytes + WalRecordCodec.HeaderSize, cold.ByteCount + (12L * cold.EventCount) + 64);
        var frames = new List<EventFrame>(cold.EventCount);
        foreach (var location in cold.Locations)
        {
            if (IsReclaimed(location, log))
            {
                throw new EventsReclaimedException(responseId);
            }

            var (record, length) = await log.ReadAsync(location, estimate, cancellationToken).ConfigureAwait(false);

            // Truncation may have passed the record while it was read: then what was read may be anything.
            if (IsReclaimed(location, log))
            {
                throw new EventsReclaimedException(responseId);
            }

            if (record is null)
            {
                throw new IOException($"Reading the cold copy of response {responseId} at address {location} of the write-ahead log failed.");
            }

            if (!WalRecordCodec.TryRead(record.AsSpan(0, length), out var header, out var payload, out var problem))
            {
                throw new InvalidDataException($"The cold copy of response {responseId} at address {location} of the write-ahead log is damaged: {problem}.");
            }

            if (header.Kind != WalRecordKind.Consolidated || header.ResponseId != responseId)
            {
                throw new InvalidDataException($"Address {location} of the write-ahead log holds a {header.Kind} record of {header.ResponseId}, not the cold copy of {responseId}.");
            }

            frames.AddRange(ConsolidatedRecord.Decode(payload));
        }

        if (frames.Count != cold.EventCount || frames[^1].SequenceNumber != cold.LastSequenceNumber)
        {
            throw new InvalidDataException($"The cold copy of response {responseId} holds {frames.Count} events; {cold.EventCount} were written.");
        }

        return [.. frames];
    }

    // Below the begin address of the instance read, or of the one in use now: a read that started on an instance
    // since replaced by a reopening still sees truncations made on its successor.
    private bool IsReclaimed(long location, FasterLog log) =>
        location < log.BeginAddress || location < (active.Log?.BeginAddress ?? 0);

    // Well inside a page, and never more than 1 MiB: a cold read is one read per record.
    private int ConsolidatedPayloadLimit() => (int)Math.Min(MaxConsolidatedPayloadBytes, (options.PageSizeBytes / 2) - WalRecordCodec.HeaderSize);
}
