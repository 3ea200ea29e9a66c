using FASTER.core;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Reads every committed record of a freshly opened log once, at start-up: the responses it holds (their creation,
/// events and cold copy), each retained response's first address for <see cref="LogRetention"/>, and the durable
/// cursors, reported to the <see cref="IDurabilityListener"/> in one call. A record that fails its checksum stops
/// start-up rather than being served.
/// </summary>
internal sealed class RecoveryScan(string directory, LogRetention retention, IDurabilityListener durability)
{
    /// <summary>The responses in <paramref name="log"/>, in the order they were created; deleted ones left out.</summary>
    public List<RecoveredResponse> Read(FasterLog log)
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
                throw new WalRecoveryException($"The write-ahead log in '{directory}' is damaged inside committed data near address {iterator.NextAddress}: {ex.Message}", ex);
            }

            if (!WalRecordCodec.TryRead(entry.AsSpan(0, length), out var header, out var payload, out var problem))
            {
                throw new WalRecoveryException($"The write-ahead log in '{directory}' is damaged inside committed data at address {address}: {problem}.");
            }

            switch (header.Kind)
            {
                case WalRecordKind.Created:
                    builders[header.ResponseId] = new Builder(CreatedRecord.Deserialize(payload), header.TimestampMs);
                    order.Add(header.ResponseId);
                    retention.Recovered(header.ResponseId, address);
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
                    retention.Forget(header.ResponseId);
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

        cursors.Publish(durability);
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
