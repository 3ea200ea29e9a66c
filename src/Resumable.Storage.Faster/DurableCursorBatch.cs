using System.Runtime.InteropServices;
using Resumable.Core.Cursors;

namespace Resumable.Storage.Faster;

/// <summary>
/// Gathers one commit's cursor changes, one per response, and hands them to the <see cref="IDurabilityListener"/> in
/// one call. Reused from commit to commit (no allocation once its collections have grown); one thread at a time.
/// </summary>
internal sealed class DurableCursorBatch
{
    private readonly Dictionary<string, long> _advanced = new(StringComparer.Ordinal);
    private readonly List<DurableCursor> _cursors = [];
    private readonly List<string> _forgotten = [];

    /// <summary>Every event of the response up to <paramref name="sequenceNumber"/> is durable (records come in log order, so the last one wins).</summary>
    public void Advance(string responseId, long sequenceNumber) => _advanced[responseId] = sequenceNumber;

    /// <summary>
    /// The response is deleted or expired: its cursor is forgotten, in log order, so an advance gathered before it
    /// in this batch is dropped (the commit of an event queued before the deletion cannot bring the cursor back).
    /// </summary>
    public void Forget(string responseId)
    {
        _advanced.Remove(responseId);
        _forgotten.Add(responseId);
    }

    /// <summary>
    /// Hands what was gathered to <paramref name="listener"/> (nothing when nothing was): <see cref="IDurabilityListener.Committed"/>,
    /// then <paramref name="release"/> (the commit's sync frames go to their readers), then
    /// <see cref="IDurabilityListener.Released"/>; and starts over.
    /// </summary>
    public void Publish(IDurabilityListener listener, Action? release = null)
    {
        if (_advanced.Count == 0 && _forgotten.Count == 0)
        {
            release?.Invoke();
            return;
        }

        try
        {
            foreach (var (responseId, sequenceNumber) in _advanced)
            {
                _cursors.Add(new DurableCursor(responseId, sequenceNumber));
            }

            listener.Committed(CollectionsMarshal.AsSpan(_forgotten), CollectionsMarshal.AsSpan(_cursors));
            release?.Invoke();
            listener.Released(CollectionsMarshal.AsSpan(_forgotten), CollectionsMarshal.AsSpan(_cursors));
        }
        finally
        {
            _advanced.Clear();
            _cursors.Clear();
            _forgotten.Clear();
        }
    }
}
