using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// A record queued for the log writer: its header fields and payload (a frame's bytes, shared, not copied).
/// A <paramref name="ReleaseOnly"/> entry writes nothing: it tells the writer that the response expired.
/// </summary>
internal readonly record struct PendingRecord(WalRecordHeader Header, ReadOnlyMemory<byte> Payload, bool ReleaseOnly = false);
