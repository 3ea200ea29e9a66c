namespace Resumable.LoadTest;

/// <summary>The cluster's counters at one moment: CPU seconds of node A, node B and Redis, each node's WAL commits, Redis calls per command.</summary>
internal sealed record ClusterCounters(double OwnerCpu, double RelayCpu, double RedisCpu, long OwnerCommits, long RelayCommits, CommandStats Redis)
{
    public static ClusterCounters Zero { get; } = new(0, 0, 0, 0, 0, CommandStats.Empty);

    /// <summary>What happened between <paramref name="earlier"/> and this reading.</summary>
    public ClusterCounters Since(ClusterCounters earlier) => new(
        OwnerCpu - earlier.OwnerCpu,
        RelayCpu - earlier.RelayCpu,
        RedisCpu - earlier.RedisCpu,
        OwnerCommits - earlier.OwnerCommits,
        RelayCommits - earlier.RelayCommits,
        Redis.Since(earlier.Redis));

    public ClusterCounters Plus(ClusterCounters other) => new(
        OwnerCpu + other.OwnerCpu,
        RelayCpu + other.RelayCpu,
        RedisCpu + other.RedisCpu,
        OwnerCommits + other.OwnerCommits,
        RelayCommits + other.RelayCommits,
        Redis.Plus(other.Redis));
}
