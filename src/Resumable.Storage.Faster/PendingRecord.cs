using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>A record queued for the log writer: its header fields and payload (a frame's bytes, shared, not copied).</summary>
internal readonly record struct PendingRecord(WalRecordHeader Header, ReadOnlyMemory<byte> Payload);
