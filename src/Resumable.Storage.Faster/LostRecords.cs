using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// What the log lost or could not take. Responses of which a record is missing (dropped while the log was failed,
/// never committed before a fault, or larger than a page) are persisted no further: none of their later events is
/// reported durable either, since a durable cursor must never pass a missing event; they finish from memory.
/// Deletions lost to a failed log are written again once it reopens, so that their responses do not come back
/// after a restart.
/// </summary>
internal sealed class LostRecords
{
    private readonly ConcurrentDictionary<string, bool> _unpersistable = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _deletionsToRewrite = new();

    /// <summary>How many responses are persisted no further.</summary>
    public int UnpersistableCount => _unpersistable.Count;

    /// <summary>Whether a response is persisted no further.</summary>
    public bool IsUnpersistable(string responseId) => _unpersistable.ContainsKey(responseId);

    /// <summary>Stops persisting a response; true the first time, so that the reason is logged once.</summary>
    public bool MarkUnpersistable(string responseId) => _unpersistable.TryAdd(responseId, true);

    /// <summary>
    /// A record of <paramref name="kind"/> will never be durable: an event or a creation leaves a hole in its
    /// response, a deletion is to be written again.
    /// </summary>
    public void Lost(WalRecordKind kind, string responseId)
    {
        switch (kind)
        {
            case WalRecordKind.Event or WalRecordKind.Created:
                _unpersistable.TryAdd(responseId, true);
                break;
            case WalRecordKind.Deleted:
                _deletionsToRewrite.Enqueue(responseId);
                break;
        }
    }

    /// <summary>A response is gone (deleted or expired): nothing is kept about it.</summary>
    public void Forget(string responseId) => _unpersistable.TryRemove(responseId, out _);

    /// <summary>Takes the next deletion to write again after a reopening.</summary>
    public bool TryTakeDeletionToRewrite([MaybeNullWhen(false)] out string responseId) => _deletionsToRewrite.TryDequeue(out responseId);
}
