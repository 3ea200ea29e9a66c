using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// A record in the log's memory that no commit has covered yet, or (<see cref="Address"/> -1) one the log
/// could not take, which keeps its place so that sync readers still get frames in order.
/// </summary>
/// <param name="Address">Its log address, or -1 when it is not in the log.</param>
/// <param name="Kind">What the record holds.</param>
/// <param name="ResponseId">Its response.</param>
/// <param name="SequenceNumber">The event's sequence number; -1 for records that are not durable events.</param>
/// <param name="Frame">Sync durability: the frame to release to readers after the commit.</param>
/// <param name="ReleaseTo">Sync durability: where to release it.</param>
/// <param name="Committed">A consolidated record's completion, given its address after the commit.</param>
internal readonly record struct AwaitingCommit(
    long Address, WalRecordKind Kind, string ResponseId, long SequenceNumber, EventFrame? Frame, IFrameSink? ReleaseTo, TaskCompletionSource<long>? Committed)
{
    /// <summary>
    /// The entry for <paramref name="record"/> at <paramref name="address"/>; at -1 (not in the log) it carries no
    /// sequence number, so that it never advances a durable cursor.
    /// </summary>
    public static AwaitingCommit Of(in PendingRecord record, long address) => new(
        address,
        record.Header.Kind,
        record.Header.ResponseId,
        address >= 0 && record.Header.Kind == WalRecordKind.Event ? record.Header.SequenceNumber : -1,
        record.Frame,
        record.ReleaseTo,
        record.Committed);

    /// <summary>
    /// A marker that writes nothing: the response expired, so its durable cursor is forgotten once every record
    /// before it is behind a commit.
    /// </summary>
    public static AwaitingCommit Forgetting(string responseId) => new(-1, WalRecordKind.Deleted, responseId, -1, null, null, null);

    /// <summary>The record will never be durable: readers get its frame from memory and a waiter learns why.</summary>
    public void Abandon(string reason)
    {
        ReleaseTo?.Release(Frame!);
        Committed?.TrySetException(new IOException(reason));
    }
}
