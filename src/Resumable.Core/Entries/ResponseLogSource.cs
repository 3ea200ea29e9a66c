using Resumable.Core.Diagnostics;
using Resumable.Core.Persistence;
using Resumable.Core.Streaming;

namespace Resumable.Core.Entries;

/// <summary>
/// Opens a response's events for reading: the in-memory log of a hot response as it is, or, for a cold one,
/// a completed log read back from the event log's consolidated records (a few reads, whatever the number of
/// events). Either way the bytes are those that were streamed live.
/// </summary>
public sealed class ResponseLogSource(IEventLog eventLog, ResumableMetrics metrics)
{
    /// <summary>
    /// The response's events. Throws <see cref="EventsReclaimedException"/> when a cold response's events
    /// were reclaimed before they could be read.
    /// </summary>
    public ValueTask<ResponseLog> OpenAsync(ResponseEntry entry, CancellationToken cancellationToken) =>
        entry.HotLog is { } log ? ValueTask.FromResult(log) : new ValueTask<ResponseLog>(ReadColdAsync(entry, cancellationToken));

    private async Task<ResponseLog> ReadColdAsync(ResponseEntry entry, CancellationToken cancellationToken)
    {
        var frames = await eventLog.ReadColdAsync(entry.Id, entry.Cold!, cancellationToken).ConfigureAwait(false);
        metrics.ColdReplayRead();
        return ResponseLog.Completed(frames);
    }
}
