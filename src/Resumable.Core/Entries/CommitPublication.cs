using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;

namespace Resumable.Core.Entries;

/// <summary>
/// <see cref="DurabilityMode.Sync"/>: what a response shows runs no further than its commits. The sequencer
/// records the state after each event it emits; when the event log releases that event after its commit, the
/// state becomes the one callers see, the frame goes to readers, and a terminal event completes
/// <see cref="ResponseEntry.Finished"/>. So no reply, poll or list shows an outcome a crash could still undo.
/// </summary>
public sealed class CommitPublication(ResponseEntry entry) : IFrameSink
{
    // States of events emitted but not yet committed, in sequence order (under the entry's lock).
    private readonly Queue<(long SequenceNumber, ResponseState State)> _uncommitted = new();

    /// <summary>The state as of the last committed event. Read under the entry's lock.</summary>
    public ResponseState Committed { get; private set; } = entry.Current;

    /// <summary>Records the state after the event numbered <paramref name="sequenceNumber"/>. Under the entry's lock.</summary>
    public void Track(long sequenceNumber) => _uncommitted.Enqueue((sequenceNumber, entry.Current));

    /// <summary>Everything emitted so far counts as committed (an entry rebuilt from the log). Under the entry's lock.</summary>
    public void CommitAll()
    {
        _uncommitted.Clear();
        Committed = entry.Current;
    }

    /// <inheritdoc />
    public void Release(EventFrame frame)
    {
        lock (entry.Gate)
        {
            while (_uncommitted.TryPeek(out var next) && next.SequenceNumber <= frame.SequenceNumber)
            {
                Committed = next.State;
                _uncommitted.Dequeue();
            }

            // Under the same lock as the state: whoever reads the object sees the events readers can see.
            entry.Log.Append(frame);
        }

        if (frame.IsTerminal)
        {
            entry.Finished.TrySetResult();
        }
    }
}
