namespace Resumable.Core.Persistence;

/// <summary>The fixed part of a write-ahead log record (layout in docs/wal-format.md).</summary>
/// <param name="Kind">What the record holds.</param>
/// <param name="Flags">Bit flags, see <see cref="WalRecordFlags"/>.</param>
/// <param name="ResponseId">The response, <c>resp_</c> + 32 hex digits (stored as its 16 bytes).</param>
/// <param name="SequenceNumber">The event's sequence number; -1 for records that are not events.</param>
/// <param name="TimestampMs">When the record was written, Unix milliseconds.</param>
public readonly record struct WalRecordHeader(WalRecordKind Kind, WalRecordFlags Flags, string ResponseId, long SequenceNumber, long TimestampMs);

/// <summary>Record flags. Stored on disk: never reassign a bit.</summary>
[Flags]
public enum WalRecordFlags : ushort
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>The event is the response's terminal event; on a consolidated record, the chunk that ends with it.</summary>
    Terminal = 1,

    /// <summary>The first chunk of a consolidation: any chunks of an earlier, unfinished one are void.</summary>
    First = 2,
}
