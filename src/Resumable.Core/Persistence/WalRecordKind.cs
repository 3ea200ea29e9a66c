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

    /// <summary>
    /// The log was created: the first record of every log, committed before anything else, so that a log
    /// with data always has a commit (one without any is damage). The response id is all zeros; no payload.
    /// </summary>
    Opened = 4,

    /// <summary>
    /// Every event of a finished response, or a run of them, in one record, written when its memory copy is
    /// released so that a cold replay is a few reads: the payload is laid out by <see cref="ConsolidatedRecord"/>.
    /// The sequence number is the chunk's last event; the last chunk carries <see cref="WalRecordFlags.Terminal"/>.
    /// </summary>
    Consolidated = 5,
}
