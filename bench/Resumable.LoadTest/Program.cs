using System.Globalization;
using Resumable.LoadTest;

// Usage: dotnet bench/Resumable.LoadTest/bin/Release/net10.0/Resumable.LoadTest.dll [--out DIR] [--quick] [--idle-only | --paced-only | --cluster | --upstream]
// Runs durability None, Async and Sync side by side on this machine, then cold resumes and idle readers;
// prints Markdown and, with --out, writes results.md and the SVG charts there. --cluster instead runs two nodes
// sharing a host redis-server and compares reading a response from its own node with reading it through the other.
// --upstream instead serves a model from a fake OpenAI-compatible upstream in this process and compares reading its
// streams directly with reading them through the server.
var quick = args.Contains("--quick");
var outIndex = Array.IndexOf(args, "--out");
var outDirectory = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : null;
var settings = quick
    ? new Settings(Streams: 20, Tokens: 50, TokensPerSecond: 50, PacedRounds: 1, SaturationEvents: 50_000, StreamCounts: [1, 4], SaturationRounds: 1, FirstEventSamples: 20, Resumes: 50, IdleReaders: 1_000)
    : new Settings(Streams: 100, Tokens: 250, TokensPerSecond: 50, PacedRounds: 2, SaturationEvents: 500_000, StreamCounts: [1, 2, 4, 16, 64], SaturationRounds: 3, FirstEventSamples: 200, Resumes: 300, IdleReaders: 10_000);

if (args.Contains("--idle-only"))
{
    // Only the idle-reader measurement, e.g. to try server settings through environment variables.
    var only = await Scenarios.RunIdleReadersAsync(settings);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{only.Http1Readers.Count:N0} idle readers: {only.Http1Readers.BytesEach / 1024:F1} KiB each over HTTP/1.1, {only.Http2Readers.BytesEach / 1024:F1} KiB over HTTP/2; {only.KeepAliveConnections.Count:N0} idle keep-alive connections: {only.KeepAliveConnections.BytesEach / 1024:F1} KiB each"));
    return;
}

if (args.Contains("--cluster"))
{
    var cluster = ClusterReport.Markdown(await ClusterScenarios.RunAsync(quick ? ClusterSettings.Quick : ClusterSettings.Full));
    Console.WriteLine(cluster);
    if (outDirectory is not null)
    {
        Directory.CreateDirectory(outDirectory);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "cluster.md"), cluster);
        Console.Error.WriteLine($"wrote {Path.GetFullPath(Path.Combine(outDirectory, "cluster.md"))}");
    }

    return;
}

if (args.Contains("--upstream"))
{
    var upstream = UpstreamReport.Markdown(await UpstreamScenarios.RunAsync(quick ? UpstreamSettings.Quick : UpstreamSettings.Full));
    Console.WriteLine(upstream);
    if (outDirectory is not null)
    {
        Directory.CreateDirectory(outDirectory);
        await File.WriteAllTextAsync(Path.Combine(outDirectory, "upstream.md"), upstream);
        Console.Error.WriteLine($"wrote {Path.GetFullPath(Path.Combine(outDirectory, "upstream.md"))}");
    }

    return;
}

Console.Error.WriteLine($"{Environment.ProcessorCount} cores; {settings}");
string[] modes = ["None", "Async", "Sync"];

if (args.Contains("--paced-only"))
{
    // Only the paced load and the idle floor of the three modes (the full run's shape), e.g. to compare two builds.
    var empty = new Saturation([], 0, 0, 0, 0, 0);
    var pacedOnly = await Scenarios.RunModesAsync(modes, modes.ToDictionary(mode => mode, _ => empty), settings with { FirstEventSamples = 1, Resumes = 1 });
    Console.WriteLine("| mode | µs per event | events | idle ms/s | latency p50 ms | p99 ms |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var r in pacedOnly)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Mode} | {r.PacedCpu.MicrosPerEvent:F1} | {r.PacedCpu.Events:N0} | {r.PacedCpu.IdleMsPerSecond:F1} | {Percentiles.Of(r.Latencies, 50):F3} | {Percentiles.Of(r.Latencies, 99):F3} |"));
    }

    return;
}

// Saturation first, the modes taking turns round after round, so that a slow spell of this shared machine
// does not fall on one mode alone; each mode keeps its best round.
var rounds = modes.ToDictionary(mode => mode, _ => new List<Saturation>());
for (var round = 1; round <= settings.SaturationRounds; round++)
{
    foreach (var mode in modes)
    {
        Console.Error.WriteLine($"saturation round {round}, {mode}…");
        rounds[mode].Add(await Scenarios.RunSaturationAsync(mode, settings));
    }
}

Console.Error.WriteLine("running latency, first events and hot resumes, the modes taking turns…");
var results = await Scenarios.RunModesAsync(modes, modes.ToDictionary(mode => mode, mode => Saturation.Best(rounds[mode])), settings);

Console.Error.WriteLine("running cold resumes…");
var cold = await Scenarios.RunColdResumeAsync(settings);
Console.Error.WriteLine("running idle readers…");
var idle = await Scenarios.RunIdleReadersAsync(settings);

var report = Report.Markdown(settings, results, cold, idle);
Console.WriteLine(report);
if (outDirectory is not null)
{
    Directory.CreateDirectory(outDirectory);
    await File.WriteAllTextAsync(Path.Combine(outDirectory, "results.md"), report);
    await File.WriteAllTextAsync(Path.Combine(outDirectory, "latency.svg"), Report.LatencyChart(results));
    await File.WriteAllTextAsync(Path.Combine(outDirectory, "throughput.svg"), Report.ThroughputChart(results));
    Console.Error.WriteLine($"wrote {Path.GetFullPath(outDirectory)}");
}

/// <summary>Turns the figures into Markdown tables and SVG charts.</summary>
internal static class Report
{
    private static readonly string[] BucketNames = ["0–10 ms", "10–50 ms", "50–100 ms", "100–500 ms", "500+ ms"];

    public static string Markdown(Settings settings, List<ModeResult> results, List<double> cold, IdleResult idle)
    {
        var none = results[0];
        var text = new System.Text.StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

        Line($"Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; paced load {settings.Streams} streams × {settings.Tokens} tokens at {settings.TokensPerSecond} tokens/s, {settings.PacedRounds} round{(settings.PacedRounds == 1 ? "" : "s")} per mode, the modes taking turns on servers up at once; saturation {settings.SaturationEvents:N0} events over {string.Join("/", settings.StreamCounts)} streams, on a fresh server per mode and round after a warm-up, the modes taking turns, best of {settings.SaturationRounds} round{(settings.SaturationRounds == 1 ? "" : "s")}.");
        Line($"");
        Line($"### Emit → receive latency per event (paced load)");
        Line($"");
        Line($"| mode | p50 ms | p90 ms | p99 ms | max ms | p50 vs none | p99 vs none |");
        Line($"|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Line($"| {r.Mode} | {P(r.Latencies, 50):F3} | {P(r.Latencies, 90):F3} | {P(r.Latencies, 99):F3} | {Max(r.Latencies):F2} | {P(r.Latencies, 50) - P(none.Latencies, 50):+0.000;-0.000} | {P(r.Latencies, 99) - P(none.Latencies, 99):+0.00;-0.00} |");
        }

        Line($"");
        Line($"### Server CPU at paced load (µs per event delivered, the model's pacing included) and idle (ms per second)");
        Line($"");
        Line($"| mode | µs per event | vs none | events | idle ms/s |");
        Line($"|---|---|---|---|---|");
        foreach (var r in results)
        {
            Line($"| {r.Mode} | {r.PacedCpu.MicrosPerEvent:F1} | {r.PacedCpu.MicrosPerEvent / none.PacedCpu.MicrosPerEvent:F2}× | {r.PacedCpu.Events:N0} | {r.PacedCpu.IdleMsPerSecond:F1} |");
        }

        Line($"");
        Line($"### Gaps between consecutive tokens of a stream (paced at {1000 / settings.TokensPerSecond:F0} ms)");
        Line($"");
        Line($"| mode | {string.Join(" | ", BucketNames)} |");
        Line($"|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var buckets = Buckets(r.Gaps);
            Line($"| {r.Mode} | {string.Join(" | ", buckets.Select(b => b.ToString("P2", CultureInfo.InvariantCulture)))} |");
        }

        Line($"");
        Line($"### The server's own time before the first event (POST sent → first event, time to first token 0, one at a time)");
        Line($"");
        Line($"| mode | background p50 ms | p99 ms | foreground p50 ms | p99 ms |");
        Line($"|---|---|---|---|---|");
        foreach (var r in results)
        {
            Line($"| {r.Mode} | {P(r.FirstEventBackground, 50):F2} | {P(r.FirstEventBackground, 99):F2} | {P(r.FirstEventForeground, 50):F2} | {P(r.FirstEventForeground, 99):F2} |");
        }

        Line($"");
        Line($"### Throughput at saturation (unpaced; events and MB delivered per second, all streams together)");
        Line($"");
        var streamColumns = $"{string.Join(" | ", settings.StreamCounts.Select(c => $"{c} stream{(c == 1 ? "" : "s")}"))} | server CPU s per M events |";
        var streamRule = $"|---|{string.Concat(settings.StreamCounts.Select(_ => "---|"))}---|";
        Line($"| mode | {streamColumns}");
        Line($"{streamRule}");
        foreach (var r in results)
        {
            var cells = r.Throughputs.Select((t, i) => string.Create(CultureInfo.InvariantCulture, $"{t.EventsPerSecond:N0} ev/s, {t.MegabytesPerSecond:F1} MB/s ({t.EventsPerSecond / none.Throughputs[i].EventsPerSecond:P0})"));
            Line($"| {r.Mode} | {string.Join(" | ", cells)} | {r.Saturation.CpuSecondsPerMillionEvents:F1} |");
        }

        Line($"");
        Line($"Every round, in the order run (events/s; the table above keeps each mode's best per stream count):");
        Line($"");
        Line($"| mode, round | {streamColumns}");
        Line($"{streamRule}");
        for (var round = 0; round < results.Max(r => r.Saturation.Rounds.Count); round++)
        {
            foreach (var r in results.Where(r => round < r.Saturation.Rounds.Count))
            {
                var taken = r.Saturation.Rounds[round];
                Line($"| {r.Mode}, {round + 1} | {string.Join(" | ", taken.Throughputs.Select(t => t.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture)))} | {taken.CpuSecondsPerMillionEvents:F1} |");
            }
        }

        Line($"");
        Line($"### Write-ahead log under the saturation sweep");
        Line($"");
        Line($"| mode | events per commit | commits/s | bytes per event | max commit ms | durable lag p50 | p99 (paced load, events) |");
        Line($"|---|---|---|---|---|---|---|");
        foreach (var r in results.Skip(1))
        {
            Line($"| {r.Mode} | {r.Saturation.RecordsPerCommit:N0} | {r.Saturation.CommitsPerSecond:F0} | {r.Saturation.BytesPerEvent:F0} | {r.Saturation.MaxCommitMs:F1} | {P(r.DurableLags, 50):F0} | {P(r.DurableLags, 99):F0} |");
        }

        Line($"");
        Line($"### Resume (reconnect with Last-Event-ID sent → first replayed event)");
        Line($"");
        Line($"| where the events are | p50 ms | p99 ms | max ms |");
        Line($"|---|---|---|---|");
        foreach (var r in results)
        {
            Line($"| memory (hot), {r.Mode} | {P(r.HotResumes, 50):F2} | {P(r.HotResumes, 99):F2} | {Max(r.HotResumes):F2} |");
        }

        Line($"| WAL (cold), Async | {P(cold, 50):F2} | {P(cold, 99):F2} | {Max(cold):F2} |");
        Line($"");
        Line($"### Idle readers");
        Line($"");
        var (http1, http2, keepAlive) = idle;
        var perReader = http1.BytesEach;
        var perHttp2Reader = http2.BytesEach;
        Line($"{http1.Count:N0} idle SSE streams open over HTTP/1.1 (a connection each): server resident memory {http1.Before / 1e6:F1} MB → {http1.After / 1e6:F1} MB, **{perReader / 1024:F1} KiB per reader**.");
        Line($"");
        Line($"{http2.Count:N0} idle SSE streams open over HTTP/2 without TLS (h2c, up to 100 streams per connection) on a fresh server: {http2.Before / 1e6:F1} MB → {http2.After / 1e6:F1} MB, **{perHttp2Reader / 1024:F1} KiB per reader**.");
        Line($"");
        Line($"For comparison, {keepAlive.Count:N0} plain idle keep-alive connections (one `GET /healthz` each, raw sockets) on a fresh server: {keepAlive.Before / 1e6:F1} MB → {keepAlive.After / 1e6:F1} MB, **{keepAlive.BytesEach / 1024:F1} KiB per connection**: Kestrel's own floor under every reader; the reader's own share is the difference, {(perReader - keepAlive.BytesEach) / 1024:F1} KiB.");
        Line($"");
        Line($"### Targets");
        Line($"");
        var async = results[1];
        Line($"| target | result | met |");
        Line($"|---|---|---|");
        Target(text, "async vs none p50 emit→receive within +0.05 ms", $"{P(async.Latencies, 50) - P(none.Latencies, 50):+0.000;-0.000} ms", P(async.Latencies, 50) - P(none.Latencies, 50) <= 0.05);
        Target(text, "async vs none p99 emit→receive within +1 ms", $"{P(async.Latencies, 99) - P(none.Latencies, 99):+0.00;-0.00} ms", P(async.Latencies, 99) - P(none.Latencies, 99) <= 1);
        var worstRatio = async.Throughputs.Select((t, i) => t.EventsPerSecond / none.Throughputs[i].EventsPerSecond).Min();
        Target(text, "async throughput at saturation within 10 % of none", $"worst {worstRatio:P0} of none", worstRatio >= 0.9);
        Target(text, "server's time before first event p50 < 1 ms (async, background)", $"{P(async.FirstEventBackground, 50):F2} ms", P(async.FirstEventBackground, 50) < 1);
        Target(text, "server's time before first event p99 < 5 ms (async, background)", $"{P(async.FirstEventBackground, 99):F2} ms", P(async.FirstEventBackground, 99) < 5);
        Target(text, "≥ 100 events per WAL commit under load", $"{async.Saturation.RecordsPerCommit:N0}", async.Saturation.RecordsPerCommit >= 100);
        Target(text, "commits/s never above 1 / CommitInterval (200/s)", $"{async.Saturation.CommitsPerSecond:F0} commits/s (sweep average)", async.Saturation.CommitsPerSecond <= 200);
        Target(text, "resume p99 < 5 ms hot", $"{P(async.HotResumes, 99):F2} ms", P(async.HotResumes, 99) < 5);
        Target(text, "resume p99 < 20 ms cold", $"{P(cold, 99):F2} ms", P(cold, 99) < 20);
        Target(text, "10,000 idle readers under 10 KB each, over HTTP/1.1", $"{perReader / 1024:F1} KiB", perReader < 10_000);
        Target(text, "10,000 idle readers under 10 KB each, over HTTP/2", $"{perHttp2Reader / 1024:F1} KiB", perHttp2Reader < 10_000);
        Target(text, "one stream ≥ 200,000 events/s (async)", $"{async.Throughputs[0].EventsPerSecond:N0}", async.Throughputs[0].EventsPerSecond >= 200_000);
        var best = async.Throughputs.Max(t => t.EventsPerSecond);
        Target(text, "all streams ≥ 300,000 events/s (async)", $"{best:N0} (best stream count)", best >= 300_000);
        return text.ToString();
    }

    public static string LatencyChart(List<ModeResult> results) =>
        SvgChart.Lines("Emit → receive latency, distribution per mode", "latency (ms, log scale)", "share of events at or below (%)",
            results.Select(r => (r.Mode, (IReadOnlyList<(double, double)>)Cdf(r.Latencies))).ToList(), logX: true);

    public static string ThroughputChart(List<ModeResult> results) =>
        SvgChart.Lines("Throughput at saturation against concurrent streams", "concurrent streams (log scale)", "events per second",
            results.Select(r => (r.Mode, (IReadOnlyList<(double, double)>)r.Throughputs.Select(t => ((double)t.Streams, t.EventsPerSecond)).ToList())).ToList(), logX: true);

    private static void Target(System.Text.StringBuilder text, string target, FormattableString result, bool met) =>
        text.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {result.ToString(CultureInfo.InvariantCulture)} | {(met ? "yes" : "**no**")} |");

    private static List<(double, double)> Cdf(List<double> sorted)
    {
        var points = new List<(double, double)>();
        for (var i = 0; i <= 200; i++)
        {
            var percentile = i / 2.0;
            points.Add((P(sorted, Math.Max(percentile, 0.01)), percentile));
        }

        return points;
    }

    private static double[] Buckets(List<double> gaps)
    {
        double[] limits = [10, 50, 100, 500, double.PositiveInfinity];
        var counts = new double[limits.Length];
        foreach (var gap in gaps)
        {
            counts[Array.FindIndex(limits, limit => gap < limit)]++;
        }

        return counts.Select(c => gaps.Count == 0 ? 0 : c / gaps.Count).ToArray();
    }

    private static double P(List<double> sorted, double percentile) => Percentiles.Of(sorted, percentile);

    private static double Max(List<double> sorted) => sorted.Count == 0 ? double.NaN : sorted[^1];
}
