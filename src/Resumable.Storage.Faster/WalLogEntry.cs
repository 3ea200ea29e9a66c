using FASTER.core;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>Serialises a record straight into FasterLog's memory, without an intermediate buffer.</summary>
internal readonly struct WalLogEntry(PendingRecord record) : ILogEnqueueEntry
{
    public PendingRecord Record => record;

    public int SerializedLength => WalRecordCodec.EncodedLength(record.Payload.Length);

    public void SerializeTo(Span<byte> dest) => WalRecordCodec.Write(dest, record.Header, record.Payload.Span);
}
