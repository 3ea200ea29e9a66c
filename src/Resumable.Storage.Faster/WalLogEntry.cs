using FASTER.core;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>Serialises a record straight into FasterLog's memory, without an intermediate buffer.</summary>
internal readonly struct WalLogEntry : ILogEnqueueEntry
{
    // Measured once: the writer asks for the length several times per record (placing, counting, committing),
    // and a consolidated record's length is a walk over its frames.
    private readonly int _payloadLength;

    public WalLogEntry(PendingRecord record)
    {
        Record = record;
        _payloadLength = record.ConsolidatedFrames.IsEmpty ? record.Payload.Length : ConsolidatedRecord.PayloadLength(record.ConsolidatedFrames.Span);
    }

    public PendingRecord Record { get; }

    public int SerializedLength => WalRecordCodec.EncodedLength(_payloadLength);

    public void SerializeTo(Span<byte> dest)
    {
        if (Record.ConsolidatedFrames.IsEmpty)
        {
            WalRecordCodec.Write(dest, Record.Header, Record.Payload.Span);
            return;
        }

        ConsolidatedRecord.EncodeTo(dest[WalRecordCodec.HeaderSize..], Record.ConsolidatedFrames.Span);
        WalRecordCodec.WriteAroundPayload(dest, Record.Header, _payloadLength);
    }
}
