using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// A record queued for the log writer: its header fields and payload (a frame's bytes, shared, not copied).
/// A <paramref name="ReleaseOnly"/> entry writes nothing: it tells the writer that the response expired.
/// </summary>
/// In sync durability an event carries its <paramref name="Frame"/> and the <paramref name="ReleaseTo"/> sink
/// that makes it visible after its commit. A consolidated record carries the <paramref name="Committed"/>
/// completion that reports its address once it is committed, and its <paramref name="ConsolidatedFrames"/>, which
/// are encoded straight into the log's memory (<paramref name="Payload"/> is then empty): a response's frames are
/// copied once, not first into a large intermediate buffer.
internal readonly record struct PendingRecord(
    WalRecordHeader Header,
    ReadOnlyMemory<byte> Payload,
    bool ReleaseOnly = false,
    EventFrame? Frame = null,
    IFrameSink? ReleaseTo = null,
    TaskCompletionSource<long>? Committed = null,
    ReadOnlyMemory<EventFrame> ConsolidatedFrames = default);
