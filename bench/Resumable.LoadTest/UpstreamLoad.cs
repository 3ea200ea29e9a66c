namespace Resumable.LoadTest;

/// <summary>What one path took over the paced rounds: deltas and their latencies, CPU of each process, the fake's connections.</summary>
internal sealed class UpstreamLoad(string name)
{
    public string Name { get; } = name;

    /// <summary>Upstream tokens (content deltas) the fake sent and the client received.</summary>
    public long Tokens { get; private set; }

    /// <summary>Seconds over the rounds, from the first request to a short settling pause after the last stream ended.</summary>
    public double Seconds { get; private set; }

    /// <summary>CPU seconds of the server's process over the rounds.</summary>
    public double ServerCpu { get; private set; }

    /// <summary>CPU seconds of the load tool's process (the fake and the clients) over the rounds.</summary>
    public double ToolCpu { get; private set; }

    /// <summary>CPU seconds of the fake's own thread over the rounds.</summary>
    public double FakeCpu { get; private set; }

    /// <summary>Requests the fake received on this path's listener over the rounds.</summary>
    public int Requests { get; private set; }

    /// <summary>TCP connections the fake accepted on this path's listener in each round.</summary>
    public List<int> Accepted { get; } = [];

    /// <summary>The most connections open at once on this path's listener in any round (idle pooled ones included).</summary>
    public int PeakOpen { get; private set; }

    /// <summary>Server CPU milliseconds per 1,000 tokens in each round.</summary>
    public List<double> RoundServerCpuPerThousand { get; } = [];

    /// <summary>The fake's send → client receive, per delta, in milliseconds; sorted once <see cref="Sort"/> is called.</summary>
    public List<double> Latencies { get; } = [];

    public void AddRound(IReadOnlyCollection<DeltaTrace> traces, UpstreamCounters round)
    {
        var tokens = traces.Sum(t => (long)t.Deltas);
        Tokens += tokens;
        Seconds += round.Seconds;
        ServerCpu += round.ServerCpu;
        ToolCpu += round.ToolCpu;
        FakeCpu += round.FakeCpu;
        Requests += round.Requests;
        Accepted.Add(round.Accepted);
        PeakOpen = Math.Max(PeakOpen, round.PeakOpen);
        RoundServerCpuPerThousand.Add(round.ServerCpu / tokens * 1e6);
        Latencies.AddRange(traces.SelectMany(t => t.Latencies));
    }

    /// <summary>CPU milliseconds per 1,000 tokens of <paramref name="cpuSeconds"/>.</summary>
    public double PerThousandTokens(double cpuSeconds) => cpuSeconds / Tokens * 1e6;

    public void Sort() => Latencies.Sort();
}
