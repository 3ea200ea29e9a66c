using System.Diagnostics.Metrics;
using Resumable.Core.Responses;

namespace Resumable.Core.Diagnostics;

/// <summary>
/// Every metric instrument of the service, in one place (meter <c>Resumable</c>; docs/operations.md lists them with
/// their units and labels). Also keeps the live counts operators read from the admin statistics endpoint.
/// </summary>
/// <remarks>
/// Recording costs no allocation: counters and histograms take at most one tag, passed by value. Durations are in
/// seconds, with bucket boundaries chosen for what each one measures (the exporter's defaults are for milliseconds).
/// </remarks>
public sealed class ResumableMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Resumable";

    private static readonly double[] FirstTokenBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] InterTokenBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly double[] ResponseDurationBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
    private static readonly double[] CommitDurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
    private static readonly long[] EventsPerCommitBuckets = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000];
    private static readonly double[] RoundTripBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5];

    private readonly Func<int>? _queueDepth;
    private readonly Func<WalGaugeReading?>? _wal;
    private readonly Counter<long> _events;
    private readonly Counter<long> _eventBytes;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _admitted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _cooled;
    private readonly Counter<long> _coldReads;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _responseDuration;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _eventsPerCommit;
    private readonly Counter<long> _upstreamRequests;
    private readonly Counter<long> _upstreamRetries;
    private readonly Histogram<double> _redisRoundDuration;
    private readonly Counter<long> _redisFailures;
    private long _activeStreams;
    private long _runningJobs;
    private long _eventsTotal;

    /// <summary>
    /// Creates the instruments on a meter from <paramref name="meterFactory"/>. The queue depth is read from
    /// <paramref name="queueDepth"/> and the write-ahead log's figures from <paramref name="wal"/> (null: there is no
    /// log), when given; both only when a collector asks.
    /// </summary>
    public ResumableMetrics(IMeterFactory meterFactory, Func<int>? queueDepth = null, Func<WalGaugeReading?>? wal = null)
    {
        _queueDepth = queueDepth;
        _wal = wal;
        var meter = meterFactory.Create(MeterName);
        _events = meter.CreateCounter<long>("resumable.events", "{event}", "Events sequenced.");
        _eventBytes = meter.CreateCounter<long>("resumable.event.bytes", "By", "Encoded SSE frame bytes sequenced.");
        _tokens = meter.CreateCounter<long>("resumable.tokens", "{token}", "Output tokens generated, by model.");
        _admitted = meter.CreateCounter<long>("resumable.responses.admitted", "{response}", "Responses admitted to the queue.");
        _rejected = meter.CreateCounter<long>("resumable.responses.rejected", "{response}", "Responses refused because the queue was full.");
        _finished = meter.CreateCounter<long>("resumable.responses.finished", "{response}", "Responses that reached a terminal state, by status.");
        _resumes = meter.CreateCounter<long>("resumable.streams.resumed", "{stream}", "Streams opened with a cursor (starting_after or Last-Event-ID).");
        _cooled = meter.CreateCounter<long>("resumable.responses.cooled", "{response}", "Finished responses whose memory copy was released (they replay from the write-ahead log).");
        _coldReads = meter.CreateCounter<long>("resumable.replays.cold", "{read}", "Replays of a cold response read back from the write-ahead log.");
        _timeToFirstToken = meter.CreateHistogram("resumable.response.time_to_first_token", "s",
            "From admission to the first output text, by model.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = FirstTokenBuckets });
        _interTokenLatency = meter.CreateHistogram("resumable.response.inter_token_latency", "s",
            "Between two consecutive output text chunks of one response, by model.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = InterTokenBuckets });
        _responseDuration = meter.CreateHistogram("resumable.response.duration", "s",
            "From admission to the terminal event, by status.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ResponseDurationBuckets });
        _commitDuration = meter.CreateHistogram("resumable.wal.commit.duration", "s",
            "One write-ahead log commit, from issuing it to the disk confirming it.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitDurationBuckets });
        _eventsPerCommit = meter.CreateHistogram("resumable.wal.commit.events", "{event}",
            "Records one commit made durable: events, and the creations and deletions of responses.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = EventsPerCommitBuckets });
        _upstreamRequests = meter.CreateCounter<long>("resumable.upstream.requests", "{request}",
            "Requests sent to upstream models, by model and outcome (ok, error, timeout, throttled).");
        _upstreamRetries = meter.CreateCounter<long>("resumable.upstream.retries", "{request}", "Upstream requests sent again after a failed attempt, by model.");
        _redisRoundDuration = meter.CreateHistogram("resumable.redis.round.duration", "s",
            "One pipelined round of cursor and status writes to Redis.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RoundTripBuckets });
        _redisFailures = meter.CreateCounter<long>("resumable.redis.failures", "{round}", "Rounds of writes to Redis that failed (they are retried).");

        meter.CreateObservableGauge("resumable.streams.active", () => Volatile.Read(ref _activeStreams), "{stream}", "SSE streams being written.");
        meter.CreateObservableGauge("resumable.jobs.running", () => Volatile.Read(ref _runningJobs), "{job}", "Jobs a worker is generating.");
        meter.CreateObservableGauge("resumable.queue.depth", ObserveQueueDepth, "{job}", "Responses waiting for a worker.");
        meter.CreateObservableGauge("resumable.wal.pending.records", () => ObserveWal(static s => s.PendingRecords), "{record}",
            "Records in the write-ahead log's memory not yet durable: how far durability is behind.");
        meter.CreateObservableGauge("resumable.wal.pending.bytes", () => ObserveWal(static s => s.PendingBytes), "By", "Bytes waiting for the disk.");
        meter.CreateObservableGauge("resumable.wal.disk.bytes", () => ObserveWal(static s => s.DiskBytes), "By", "Bytes of the write-ahead log's files.");
    }

    /// <summary>SSE streams currently being written.</summary>
    public long ActiveStreams => Volatile.Read(ref _activeStreams);

    /// <summary>Jobs currently generating.</summary>
    public long RunningJobs => Volatile.Read(ref _runningJobs);

    /// <summary>Events sequenced since start.</summary>
    public long EventsTotal => Interlocked.Read(ref _eventsTotal);

    /// <summary>Counts one write-ahead log commit that took <paramref name="elapsed"/>.</summary>
    public void WalCommitted(TimeSpan elapsed) => _commitDuration.Record(elapsed.TotalSeconds);

    /// <summary>Counts the records one commit made durable.</summary>
    public void WalRecordsCommitted(long records) => _eventsPerCommit.Record(records);

    /// <summary>Counts one upstream request of <paramref name="model"/> that ended with <paramref name="outcome"/>.</summary>
    public void UpstreamRequestEnded(string model, string outcome) =>
        _upstreamRequests.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts an upstream request of <paramref name="model"/> sent again.</summary>
    public void UpstreamRetried(string model) => _upstreamRetries.Add(1, new KeyValuePair<string, object?>("model", model));

    /// <summary>Counts one round of writes to Redis that took <paramref name="elapsed"/>.</summary>
    public void RedisRound(TimeSpan elapsed) => _redisRoundDuration.Record(elapsed.TotalSeconds);

    /// <summary>Counts one failed round of writes to Redis.</summary>
    public void RedisRoundFailed() => _redisFailures.Add(1);

    /// <summary>Counts a stream that resumed after a cursor.</summary>
    public void StreamResumed() => _resumes.Add(1);

    internal void EventEmitted(int bytes)
    {
        Interlocked.Increment(ref _eventsTotal);
        _events.Add(1);
        _eventBytes.Add(bytes);
    }

    internal void FirstToken(string model, TimeSpan sinceAdmission) => _timeToFirstToken.Record(sinceAdmission.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    internal void NextToken(string model, TimeSpan sincePrevious) => _interTokenLatency.Record(sincePrevious.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    internal void TokensGenerated(string model, int tokens) => _tokens.Add(tokens, new KeyValuePair<string, object?>("model", model));

    internal void ResponseAdmitted() => _admitted.Add(1);

    internal void ResponseRejected() => _rejected.Add(1);

    internal void ResponseFinished(ResponseStatus status, TimeSpan sinceAdmission)
    {
        var tag = new KeyValuePair<string, object?>("status", status.ToWireName());
        _finished.Add(1, tag);
        _responseDuration.Record(sinceAdmission.TotalSeconds, tag);
    }

    internal void ResponseCooled() => _cooled.Add(1);

    internal void ColdReplayRead() => _coldReads.Add(1);

    internal void StreamStarted() => Interlocked.Increment(ref _activeStreams);

    internal void StreamEnded() => Interlocked.Decrement(ref _activeStreams);

    internal void JobStarted() => Interlocked.Increment(ref _runningJobs);

    internal void JobEnded() => Interlocked.Decrement(ref _runningJobs);

    private IEnumerable<Measurement<int>> ObserveQueueDepth() =>
        _queueDepth is null ? [] : [new Measurement<int>(_queueDepth())];

    // A node without a write-ahead log (durability none) reports no figure rather than zeros that look like one.
    private IEnumerable<Measurement<long>> ObserveWal(Func<WalGaugeReading, long> figure) =>
        _wal?.Invoke() is { } statistics ? [new Measurement<long>(figure(statistics))] : [];
}
