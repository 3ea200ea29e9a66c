namespace Resumable.Core.Persistence;

/// <summary>What a write-ahead log record holds. Values are stored on disk: never renumber them.</summary>
public enum WalRecordKind : byte
{
    /// <summary>One event: the payload is its encoded SSE frame, byte for byte as streamed.</summary>
    Event = 1,

    /// <summary>A response was admitted: the payload is JSON with its tenant, request and item id.</summary>
    Created = 2,

    /// <summary>A response was deleted: no payload. Its records are ignored on recovery.</summary>
    Deleted = 3,
}
