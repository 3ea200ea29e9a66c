using Resumable.Core.Events;

namespace Resumable.Core.Persistence;

/// <summary>
/// The write-ahead log as the pipeline sees it: one more consumer of encoded frames, never on the path to a
/// reader. Every recording method returns once the record is queued for persistence, not once it is durable,
/// and never waits; the log reports durability through <see cref="Cursors.ICursorStore"/>.
/// </summary>
public interface IEventLog
{
    /// <summary>The durability this log provides.</summary>
    DurabilityMode Mode { get; }

    /// <summary>
    /// Why the log cannot persist right now (a storage error), or null while it is healthy. While faulted,
    /// new responses are refused; responses already running keep streaming from memory, and nothing
    /// after the last good commit is reported durable.
    /// </summary>
    string? Fault { get; }

    /// <summary>
    /// Why the log takes no new responses although it has not failed (too many bytes wait for a slow disk), or
    /// null while it keeps up. New responses are refused meanwhile; responses already running keep going.
    /// </summary>
    string? Saturation { get; }

    /// <summary>
    /// Opens the log and returns the responses it holds, once, before anything is recorded. Throws when the
    /// log exists but cannot be recovered (the host must not start on an empty log in its place).
    /// </summary>
    Task<IReadOnlyList<RecoveredResponse>> RecoverAsync(CancellationToken cancellationToken);

    /// <summary>Queues the creation of a response. Called under the response's lock, before its first event.</summary>
    void RecordCreated(string responseId, CreatedRecord created);

    /// <summary>
    /// Queues <paramref name="frame"/> of response <paramref name="responseId"/>. Called in sequence order per
    /// response, under that response's lock: it must be fast and must not wait. In
    /// <see cref="DurabilityMode.Sync"/> the log hands the frame to <paramref name="releaseAfterCommit"/> once it
    /// is durable (readers see it only then); otherwise the caller has already made it visible.
    /// </summary>
    void Enqueue(string responseId, EventFrame frame, IFrameSink? releaseAfterCommit = null);

    /// <summary>
    /// Queues the deletion of a response; recovery then ignores it. The log forgets the response's durable cursor
    /// once every record queued before the deletion is behind a commit, so no later commit brings it back.
    /// </summary>
    void RecordDeleted(string responseId);

    /// <summary>
    /// Tells the log that a response expired: none of its records is needed any more, so the log may reclaim
    /// their space, and it forgets the durable cursor as for <see cref="RecordDeleted"/>. Never called for a
    /// response that is still retained.
    /// </summary>
    void Release(string responseId);

    /// <summary>
    /// Writes every frame of a finished response, all of whose events are already durable, as a few
    /// consolidated records, and completes once they are committed, with where they lie. Called off the hot
    /// path when the response's memory copy is about to be released. Fails when the log cannot persist.
    /// </summary>
    Task<ColdCopy> ConsolidateAsync(string responseId, ReadOnlyMemory<EventFrame> frames, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the frames of a cold response back, byte for byte as they were streamed, in a few reads.
    /// Throws <see cref="EventsReclaimedException"/> when the log no longer holds them.
    /// </summary>
    Task<EventFrame[]> ReadColdAsync(string responseId, ColdCopy cold, CancellationToken cancellationToken);

    /// <summary>The log's state for operators, or null when nothing is persisted.</summary>
    WalStatistics? GetStatistics();
}
