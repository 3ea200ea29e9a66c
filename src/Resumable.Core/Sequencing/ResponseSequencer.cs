using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Core.Sequencing;

/// <summary>
/// Assigns each event of a response the next sequence number, encodes its SSE frame once, and hands the
/// same frame to the in-memory response log (for readers) and to the event log (for persistence); in
/// <see cref="DurabilityMode.Sync"/> the event log releases it to the response log after its commit.
/// </summary>
public sealed class ResponseSequencer(IEventLog eventLog, ResumableMetrics metrics)
{
    // Sync durability: readers see an event only once the log has committed it.
    private readonly bool _releaseAfterCommit = eventLog.Mode == DurabilityMode.Sync;

    /// <summary>
    /// Emits one event. The caller holds <see cref="ResponseEntry.Gate"/> and has already applied the state
    /// change the event reports; the sequencer never emits after a terminal event (the lifecycle checks).
    /// </summary>
    public EventFrame Append(ResponseEntry entry, ResponseEventKind kind, string? delta = null)
    {
        var frame = ResponseEventPayloads.EncodeFrame(entry.NextSequenceNumber++, kind, entry, delta);

        // store:false responses are never retrievable, so they are never persisted either.
        if (!entry.Request.Store)
        {
            entry.Log.Append(frame);
        }
        else if (_releaseAfterCommit)
        {
            var publication = entry.Publication ?? throw new InvalidOperationException($"Response {entry.Id} is not set up to publish on commit.");
            publication.Track(frame.SequenceNumber);
            eventLog.Enqueue(entry.Id, frame, publication);
        }
        else
        {
            entry.Log.Append(frame);
            eventLog.Enqueue(entry.Id, frame);
        }
        metrics.EventEmitted(frame.Bytes.Length);
        return frame;
    }
}
