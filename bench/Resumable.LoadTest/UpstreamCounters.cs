using System.Diagnostics;

namespace Resumable.LoadTest;

/// <summary>
/// The counters a paced round is measured by, read before and after it: CPU seconds of the server, of the load tool's
/// process and of the fake's thread, and the connections and requests of one of the fake's listeners.
/// </summary>
internal readonly record struct UpstreamCounters(double Seconds, double ServerCpu, double ToolCpu, double FakeCpu, int Accepted, int Requests, int PeakOpen)
{
    public static UpstreamCounters Read(ServerUnderTest server, FakeChatUpstream fake, ConnectionCounter listener) => new(
        Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency,
        server.CpuSeconds,
        Environment.CpuUsage.TotalTime.TotalSeconds,
        fake.CpuSeconds,
        listener.Accepted,
        listener.Requests,
        listener.Peak);

    /// <summary>What happened between <paramref name="earlier"/> and this reading; the peak is this reading's.</summary>
    public UpstreamCounters Since(UpstreamCounters earlier) => new(
        Seconds - earlier.Seconds,
        ServerCpu - earlier.ServerCpu,
        ToolCpu - earlier.ToolCpu,
        FakeCpu - earlier.FakeCpu,
        Accepted - earlier.Accepted,
        Requests - earlier.Requests,
        PeakOpen);
}
