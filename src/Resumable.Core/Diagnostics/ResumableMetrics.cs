using System.Diagnostics.Metrics;
using Resumable.Core.Responses;

namespace Resumable.Core.Diagnostics;

/// <summary>
/// Every metric instrument of the service, in one place (meter <c>Resumable</c>). Also keeps the live
/// counts operators read from the admin statistics endpoint.
/// </summary>
public sealed class ResumableMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Resumable";

    private readonly Counter<long> _events;
    private readonly Counter<long> _eventBytes;
    private readonly Counter<long> _admitted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _cooled;
    private readonly Counter<long> _coldReads;
    private long _activeStreams;
    private long _runningJobs;
    private long _eventsTotal;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public ResumableMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>("resumable.events", "{event}", "Events sequenced.");
        _eventBytes = meter.CreateCounter<long>("resumable.event.bytes", "By", "Encoded SSE frame bytes sequenced.");
        _admitted = meter.CreateCounter<long>("resumable.responses.admitted", "{response}", "Responses admitted to the queue.");
        _rejected = meter.CreateCounter<long>("resumable.responses.rejected", "{response}", "Responses refused because the queue was full.");
        _finished = meter.CreateCounter<long>("resumable.responses.finished", "{response}", "Responses that reached a terminal state, by status.");
        _resumes = meter.CreateCounter<long>("resumable.streams.resumed", "{stream}", "Streams opened with a cursor (starting_after or Last-Event-ID).");
        _cooled = meter.CreateCounter<long>("resumable.responses.cooled", "{response}", "Finished responses whose memory copy was released (they replay from the write-ahead log).");
        _coldReads = meter.CreateCounter<long>("resumable.replays.cold", "{read}", "Replays of a cold response read back from the write-ahead log.");
        meter.CreateObservableGauge("resumable.streams.active", () => Volatile.Read(ref _activeStreams), "{stream}", "SSE streams being written.");
        meter.CreateObservableGauge("resumable.jobs.running", () => Volatile.Read(ref _runningJobs), "{job}", "Jobs a worker is generating.");
    }

    /// <summary>SSE streams currently being written.</summary>
    public long ActiveStreams => Volatile.Read(ref _activeStreams);

    /// <summary>Jobs currently generating.</summary>
    public long RunningJobs => Volatile.Read(ref _runningJobs);

    /// <summary>Events sequenced since start.</summary>
    public long EventsTotal => Interlocked.Read(ref _eventsTotal);

    internal void EventEmitted(int bytes)
    {
        Interlocked.Increment(ref _eventsTotal);
        _events.Add(1);
        _eventBytes.Add(bytes);
    }

    internal void ResponseAdmitted() => _admitted.Add(1);

    internal void ResponseRejected() => _rejected.Add(1);

    internal void ResponseFinished(ResponseStatus status) => _finished.Add(1, new KeyValuePair<string, object?>("status", status.ToWireName()));

    internal void ResponseCooled() => _cooled.Add(1);

    internal void ColdReplayRead() => _coldReads.Add(1);

    /// <summary>Counts a stream that resumed after a cursor.</summary>
    public void StreamResumed() => _resumes.Add(1);

    internal void StreamStarted() => Interlocked.Increment(ref _activeStreams);

    internal void StreamEnded() => Interlocked.Decrement(ref _activeStreams);

    internal void JobStarted() => Interlocked.Increment(ref _runningJobs);

    internal void JobEnded() => Interlocked.Decrement(ref _runningJobs);
}
