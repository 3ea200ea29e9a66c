namespace Resumable.LoadTest;

/// <summary>
/// What one path (direct or relayed) took over the rounds of a workload: events and bytes delivered, reading time,
/// the counters over each whole round (create → settled), and for the unpaced workload the CPU over the reads alone.
/// </summary>
internal sealed class PathLoad(string name)
{
    public string Name { get; } = name;

    public long Events { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Seconds from sending each GET to the end of its stream, summed over rounds.</summary>
    public double ReadSeconds { get; private set; }

    /// <summary>The counters over every round as a whole: creation, generation, reads and the last publication.</summary>
    public ClusterCounters Rounds { get; private set; } = ClusterCounters.Zero;

    /// <summary>The CPU over the reads alone (unpaced workload; the paced one reads while it generates).</summary>
    public ClusterCounters Reads { get; private set; } = ClusterCounters.Zero;

    /// <summary>Events per second of each round's reads.</summary>
    public List<double> RoundEventsPerSecond { get; } = [];

    /// <summary>CPU µs per event of node A and of node B in each round (over the reads alone when those are counted apart).</summary>
    public List<(double Owner, double Relay)> RoundCpuPerEvent { get; } = [];

    /// <summary>Emit → receive milliseconds of every token (paced workload), sorted once <see cref="Sort"/> is called.</summary>
    public List<double> Latencies { get; } = [];

    /// <summary>Requests B answered 404 because Redis did not know the response yet (each retried; each a Redis lookup).</summary>
    public int Retries => _retries;

    private int _retries;

    public void AddRound(long events, long bytes, double readSeconds, ClusterCounters round, ClusterCounters reads)
    {
        Events += events;
        Bytes += bytes;
        ReadSeconds += readSeconds;
        Rounds = Rounds.Plus(round);
        Reads = Reads.Plus(reads);
        RoundEventsPerSecond.Add(events / readSeconds);
        RoundCpuPerEvent.Add((reads.OwnerCpu / events * 1e6, reads.RelayCpu / events * 1e6));
    }

    public void Retried() => Interlocked.Increment(ref _retries);

    public void Sort() => Latencies.Sort();
}
