namespace Resumable.LoadTest;

/// <summary>The figures of one <c>--cluster</c> run; resume latencies sorted, in milliseconds; <paramref name="Idle"/> the CPU of <see cref="ClusterSettings.IdleSeconds"/> with nothing to do.</summary>
internal sealed record ClusterResult(
    ClusterSettings Settings,
    DateTime StartedUtc,
    TimeSpan Duration,
    ClusterCounters Idle,
    List<double> FinishedDirect,
    List<double> FinishedRelayed,
    List<double> RunningDirect,
    List<double> RunningRelayed,
    PathLoad UnpacedDirect,
    PathLoad UnpacedRelayed,
    PathLoad PacedDirect,
    PathLoad PacedRelayed);
