using System.Globalization;
using System.Text;

namespace Resumable.LoadTest;

/// <summary>The <c>--cluster</c> figures as Markdown tables.</summary>
internal static class ClusterReport
{
    public static string Markdown(ClusterResult result)
    {
        var settings = result.Settings;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"Run of {result.StartedUtc:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {result.Duration.TotalSeconds:F0} s in all: two nodes (durability Async, each its own WAL, no keys) sharing one redis-server, and the client, all on this machine. Every response is created on node A and read from A (direct) or through B (relayed), the two paths taking turns.");
        Line($"");
        var idle = result.Idle;
        var idleSeconds = settings.IdleSeconds;
        Line($"Idle floor, measured over {idleSeconds} s at the end of this run with nothing to do: node A {idle.OwnerCpu / idleSeconds * 1e3:F0} ms of CPU per second, node B {idle.RelayCpu / idleSeconds * 1e3:F0} ms, Redis {idle.RedisCpu / idleSeconds * 1e3:F0} ms. It is in every CPU figure below, and it is all node B does on the direct path. CPU is read from /proc in ticks of 10 ms.");
        Line($"");
        Line($"### Resume (`GET …?stream=true` with `Last-Event-ID` sent → first resumed event), {settings.Resumes} per response kind and path");
        Line($"");
        Line($"| response | direct p50 ms | relayed p50 ms | relayed / direct | direct p99 ms | relayed p99 ms | relayed / direct | direct max ms | relayed max ms |");
        Line($"|---|---|---|---|---|---|---|---|---|");
        ResumeRow(text, "finished (2,000 events, in memory)", result.FinishedDirect, result.FinishedRelayed);
        ResumeRow(text, "running (200 tokens/s)", result.RunningDirect, result.RunningRelayed);
        Line($"");
        Line($"### Unpaced streams read in full ({settings.UnpacedRounds} round{Plural(settings.UnpacedRounds)} per path, each of {settings.UnpacedStreams} responses of {settings.UnpacedTokens:N0} tokens read at once, finished before they are read; CPU over the reads)");
        Line($"");
        Line($"| path | events/s | MB/s | each round, events/s | node A CPU s per M events | node B | Redis | A + B | each round, A + B |");
        Line($"|---|---|---|---|---|---|---|---|---|");
        var (unpacedDirect, unpacedRelayed) = (result.UnpacedDirect, result.UnpacedRelayed);
        foreach (var load in new[] { unpacedDirect, unpacedRelayed })
        {
            var (a, b, redis) = PerMillion(load.Reads, load.Events);
            Line($"| {load.Name} | {load.Events / load.ReadSeconds:N0} | {load.Bytes / load.ReadSeconds / 1e6:F1} | {string.Join(", ", load.RoundEventsPerSecond.Select(e => e.ToString("N0", CultureInfo.InvariantCulture)))} | {a:F2} | {b:F2} | {redis:F2} | {a + b:F2} | {RoundCpu(load, "F2")} |");
        }

        var (directA, directB, _) = PerMillion(unpacedDirect.Reads, unpacedDirect.Events);
        var (relayedA, relayedB, _) = PerMillion(unpacedRelayed.Reads, unpacedRelayed.Events);
        Line($"| relayed / direct | {Ratio(unpacedRelayed.Events / unpacedRelayed.ReadSeconds, unpacedDirect.Events / unpacedDirect.ReadSeconds)} | {Ratio(unpacedRelayed.Bytes / unpacedRelayed.ReadSeconds, unpacedDirect.Bytes / unpacedDirect.ReadSeconds)} | | {Ratio(relayedA, directA)} | | | {Ratio(relayedA + relayedB, directA + directB)} | |");
        Line($"");
        Line($"### Paced load ({settings.PacedRounds} round{Plural(settings.PacedRounds)} per path of {settings.PacedStreams} streams × {settings.PacedTokens} tokens at {settings.PacedTokensPerSecond} tokens/s, read live)");
        Line($"");
        Line($"| path | events | node A CPU µs per event | node B | Redis | A + B | each round, A + B | emit → receive p50 ms | p90 ms | p99 ms | max ms |");
        Line($"|---|---|---|---|---|---|---|---|---|---|---|");
        var (pacedDirect, pacedRelayed) = (result.PacedDirect, result.PacedRelayed);
        foreach (var load in new[] { pacedDirect, pacedRelayed })
        {
            var (a, b, redis) = PerMillion(load.Rounds, load.Events);
            Line($"| {load.Name} | {load.Events:N0} | {a:F1} | {b:F1} | {redis:F1} | {a + b:F1} | {RoundCpu(load, "F0")} | {P(load.Latencies, 50):F2} | {P(load.Latencies, 90):F2} | {P(load.Latencies, 99):F2} | {Max(load.Latencies):F2} |");
        }

        var (pacedDirectA, pacedDirectB, _) = PerMillion(pacedDirect.Rounds, pacedDirect.Events);
        var (pacedRelayedA, pacedRelayedB, _) = PerMillion(pacedRelayed.Rounds, pacedRelayed.Events);
        Line($"| relayed / direct | | {Ratio(pacedRelayedA, pacedDirectA)} | | | {Ratio(pacedRelayedA + pacedRelayedB, pacedDirectA + pacedDirectB)} | | {Ratio(P(pacedRelayed.Latencies, 50), P(pacedDirect.Latencies, 50))} | {Ratio(P(pacedRelayed.Latencies, 90), P(pacedDirect.Latencies, 90))} | {Ratio(P(pacedRelayed.Latencies, 99), P(pacedDirect.Latencies, 99))} | |");
        Line($"");
        Line($"(CPU per million events above, µs per event here: the same unit, seconds per million events = µs per event.)");
        Line($"");
        Line($"### Redis commands and WAL commits per workload (over each round as a whole: create, generate, read, last publication)");
        Line($"");
        Line($"| workload, path | events delivered | WAL commits, node A | node B | Redis calls per 1,000 events | of them writes | writes per commit of A | lookups B retried |");
        Line($"|---|---|---|---|---|---|---|---|");
        var workloads = new[] { ("unpaced", unpacedDirect), ("unpaced", unpacedRelayed), ("paced", pacedDirect), ("paced", pacedRelayed) };
        foreach (var (workload, load) in workloads)
        {
            var redis = load.Rounds.Redis;
            Line($"| {workload}, {load.Name} | {load.Events:N0} | {load.Rounds.OwnerCommits:N0} | {load.Rounds.RelayCommits:N0} | {PerThousand(redis.Total, load.Events):F2} | {PerThousand(redis.Writes, load.Events):F2} | {(load.Rounds.OwnerCommits == 0 ? double.NaN : (double)redis.Writes / load.Rounds.OwnerCommits):F2} | {load.Retries} |");
        }

        Line($"");
        Line($"Calls per 1,000 events delivered, by command (`INFO commandstats`; the readings' own `INFO` left out; writes in bold):");
        Line($"");
        Line($"| command | {string.Join(" | ", workloads.Select(w => $"{w.Item1}, {w.Item2.Name}"))} |");
        Line($"|---|{string.Concat(workloads.Select(_ => "---|"))}");
        var commands = workloads.SelectMany(w => w.Item2.Rounds.Redis.Calls.Keys).Distinct().Order(StringComparer.Ordinal);
        foreach (var command in commands)
        {
            var name = CommandStats.WriteCommands.Contains(command) ? $"**{command}**" : command;
            Line($"| {name} | {string.Join(" | ", workloads.Select(w => PerThousand(w.Item2.Rounds.Redis.Of(command), w.Item2.Events).ToString("F2", CultureInfo.InvariantCulture)))} |");
        }

        return text.ToString();
    }

    private static void ResumeRow(StringBuilder text, string kind, List<double> direct, List<double> relayed) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {kind} | {P(direct, 50):F2} | {P(relayed, 50):F2} | {Ratio(P(relayed, 50), P(direct, 50))} | {P(direct, 99):F2} | {P(relayed, 99):F2} | {Ratio(P(relayed, 99), P(direct, 99))} | {Max(direct):F2} | {Max(relayed):F2} |");

    private static string RoundCpu(PathLoad load, string format) =>
        string.Join(", ", load.RoundCpuPerEvent.Select(r => (r.Owner + r.Relay).ToString(format, CultureInfo.InvariantCulture)));

    // CPU seconds of node A, node B and Redis per million events delivered.
    private static (double Owner, double Relay, double Redis) PerMillion(ClusterCounters counters, long events) =>
        (counters.OwnerCpu / events * 1e6, counters.RelayCpu / events * 1e6, counters.RedisCpu / events * 1e6);

    private static double PerThousand(long calls, long events) => events == 0 ? double.NaN : calls * 1_000.0 / events;

    private static string Ratio(double value, double baseline) => (value / baseline).ToString("0.00×", CultureInfo.InvariantCulture);

    private static string Plural(int count) => count == 1 ? "" : "s";

    private static double P(List<double> sorted, double percentile) => Percentiles.Of(sorted, percentile);

    private static double Max(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];
}
