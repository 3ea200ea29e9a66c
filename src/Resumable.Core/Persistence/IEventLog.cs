using Resumable.Core.Events;

namespace Resumable.Core.Persistence;

/// <summary>
/// The write-ahead log as the sequencer sees it: one more consumer of encoded frames, never on the path
/// to a reader. Implementations must not block: <see cref="Enqueue"/> returns once the frame is queued
/// for persistence, not once it is durable.
/// </summary>
public interface IEventLog
{
    /// <summary>The durability this log provides.</summary>
    DurabilityMode Mode { get; }

    /// <summary>
    /// Queues <paramref name="frame"/> of response <paramref name="responseId"/> for persistence.
    /// Called in sequence order per response, under that response's lock: it must be fast and must not wait.
    /// </summary>
    void Enqueue(string responseId, EventFrame frame);
}
