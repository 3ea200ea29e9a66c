using System.Globalization;
using System.Text;

namespace Resumable.LoadTest;

/// <summary>The <c>--upstream</c> figures as Markdown tables.</summary>
internal static class UpstreamReport
{
    public static string Markdown(UpstreamResult result)
    {
        var settings = result.Settings;
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"Run of {result.StartedUtc:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {result.Duration.TotalSeconds:F0} s in all: a fake OpenAI-compatible upstream (Chat Completions, HTTP/1.1) inside the load tool's process, its handlers on one thread of their own; the server (durability Async, no keys) as a child process serving model `fake` from it; the clients in the load tool's process; all sharing this machine's cores. The paths take turns sample by sample and round by round.");
        Line($"");
        var direct = result.Paced[0];
        var idlePerSecond = direct.ServerCpu / direct.Seconds * 1e3;
        Line($"The server's idle floor, measured over the direct rounds (it had nothing to do): {idlePerSecond:F0} ms of CPU per second. CPU is read from /proc in ticks of 10 ms.");
        Line($"");
        Line($"### Time to first token (request sent → first content delta received), {settings.FirstTokenSamples} per path and upstream time to first token");
        Line($"");
        Line($"| upstream time to first token | path | p50 ms | p99 ms | max ms | p50 − direct ms | p99 − direct ms | p50 / direct | p99 / direct |");
        Line($"|---|---|---|---|---|---|---|---|---|");
        foreach (var first in result.FirstTokens)
        {
            var baseline = first.ByPath[0];
            for (var p = 0; p < result.Paths.Count; p++)
            {
                var samples = first.ByPath[p];
                var (difference50, difference99, ratio50, ratio99) = p == 0
                    ? ("", "", "", "")
                    : (Signed(P(samples, 50) - P(baseline, 50)), Signed(P(samples, 99) - P(baseline, 99)), Ratio(P(samples, 50), P(baseline, 50)), Ratio(P(samples, 99), P(baseline, 99)));
                Line($"| {first.UpstreamFirstTokenMs} ms | {result.Paths[p]} | {P(samples, 50):F2} | {P(samples, 99):F2} | {Max(samples):F2} | {difference50} | {difference99} | {ratio50} | {ratio99} |");
            }
        }

        Line($"");
        Line($"### Paced load: the fake's send → the client's receive per delta ({settings.PacedRounds} round{Plural(settings.PacedRounds)} per path of {settings.PacedStreams} streams × {settings.PacedTokens} tokens at {settings.PacedTokensPerSecond} tokens/s, upstream time to first token {settings.PacedFirstTokenMs:N0} ms)");
        Line($"");
        Line($"| path | deltas | p50 ms | p90 ms | p99 ms | max ms | p50 − direct ms | p99 − direct ms | p50 / direct | p99 / direct |");
        Line($"|---|---|---|---|---|---|---|---|---|---|");
        var synthetic = result.Paced[^1];
        foreach (var load in result.Paced)
        {
            var compared = !ReferenceEquals(load, direct) && !ReferenceEquals(load, synthetic);
            var latencies = load.Latencies;
            Line($"| {load.Name} | {load.Tokens:N0} | {P(latencies, 50):F2} | {P(latencies, 90):F2} | {P(latencies, 99):F2} | {Max(latencies):F2} | {(compared ? Signed(P(latencies, 50) - P(direct.Latencies, 50)) : "")} | {(compared ? Signed(P(latencies, 99) - P(direct.Latencies, 99)) : "")} | {(compared ? Ratio(P(latencies, 50), P(direct.Latencies, 50)) : "")} | {(compared ? Ratio(P(latencies, 99), P(direct.Latencies, 99)) : "")} |");
        }

        Line($"");
        Line($"The synthetic model's deltas carry the server's own emit timestamp: its row is the server's pipeline without the upstream hop. Through Resumable minus it, the share of the upstream hop and its parsing: {string.Join("; ", result.Paced.Skip(1).SkipLast(1).Select(load => string.Create(CultureInfo.InvariantCulture, $"{load.Name} p50 {Signed(P(load.Latencies, 50) - P(synthetic.Latencies, 50))} ms, p99 {Signed(P(load.Latencies, 99) - P(synthetic.Latencies, 99))} ms")))}.");
        Line($"");
        Line($"### CPU and the fake's connections under the paced load (over each whole round)");
        Line($"");
        Line($"| path | server CPU ms per 1,000 tokens | each round | above the idle floor | load tool CPU ms per 1,000 tokens (fake + clients) | of it the fake's thread | requests to the fake | connections the fake accepted, each round | open at once, at most |");
        Line($"|---|---|---|---|---|---|---|---|---|");
        var floor = direct.PerThousandTokens(direct.ServerCpu);
        foreach (var load in result.Paced)
        {
            var server = load.PerThousandTokens(load.ServerCpu);
            var rounds = string.Join(", ", load.RoundServerCpuPerThousand.Select(c => c.ToString("F0", CultureInfo.InvariantCulture)));
            // The synthetic model sends nothing to the fake: its listener's connections then are the idle pooled ones.
            var accepted = ReferenceEquals(load, synthetic) ? "—" : string.Join(", ", load.Accepted.Select(a => a.ToString(CultureInfo.InvariantCulture)));
            var peak = ReferenceEquals(load, synthetic) ? "—" : load.PeakOpen.ToString(CultureInfo.InvariantCulture);
            var above = ReferenceEquals(load, direct) ? "(the floor)" : (server - floor).ToString("F0", CultureInfo.InvariantCulture);
            Line($"| {load.Name} | {server:F0} | {rounds} | {above} | {load.PerThousandTokens(load.ToolCpu):F0} | {load.PerThousandTokens(load.FakeCpu):F0} | {load.Requests:N0} | {accepted} | {peak} |");
        }

        Line($"");
        Line($"Server CPU through Resumable against the synthetic model at the same pace: {string.Join("; ", result.Paced.Skip(1).SkipLast(1).Select(load => $"{load.Name} {Ratio(load.PerThousandTokens(load.ServerCpu), synthetic.PerThousandTokens(synthetic.ServerCpu))} ({Ratio(load.PerThousandTokens(load.ServerCpu) - floor, synthetic.PerThousandTokens(synthetic.ServerCpu) - floor)} above the idle floor)"))}.");
        Line($"");
        Line($"Over the whole run (warm-up and time-to-first-token samples included) the fake served {result.Direct.Requests:N0} direct requests on {result.Direct.Connections:N0} TCP connections and {result.Server.Requests:N0} requests from the server on {result.Server.Connections:N0}.");
        return text.ToString();
    }

    private static string Signed(double value) => value.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private static string Ratio(double value, double baseline) => (value / baseline).ToString("0.00×", CultureInfo.InvariantCulture);

    private static string Plural(int count) => count == 1 ? "" : "s";

    private static double P(List<double> sorted, double percentile) => Percentiles.Of(sorted, percentile);

    private static double Max(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];
}
