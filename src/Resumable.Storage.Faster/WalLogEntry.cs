using FASTER.core;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>Serialises a record straight into FasterLog's memory, without an intermediate buffer.</summary>
internal readonly struct WalLogEntry(PendingRecord record) : ILogEnqueueEntry
{
    public PendingRecord Record => record;

    public int SerializedLength => WalRecordCodec.EncodedLength(
        record.ConsolidatedFrames.IsEmpty ? record.Payload.Length : ConsolidatedRecord.PayloadLength(record.ConsolidatedFrames.Span));

    public void SerializeTo(Span<byte> dest)
    {
        if (record.ConsolidatedFrames.IsEmpty)
        {
            WalRecordCodec.Write(dest, record.Header, record.Payload.Span);
            return;
        }

        var payloadLength = ConsolidatedRecord.EncodeTo(dest[WalRecordCodec.HeaderSize..], record.ConsolidatedFrames.Span);
        WalRecordCodec.WriteAroundPayload(dest, record.Header, payloadLength);
    }
}
