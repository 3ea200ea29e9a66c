using System.Globalization;
using Resumable.LoadTest;

// Usage: dotnet run -c Release --project bench/Resumable.LoadTest [streams] [tokens] [tokens/s]
// Runs durability None, Async and Sync side by side on this machine and prints a Markdown table.
var settings = new Settings(
    Streams: args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100,
    Tokens: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 150,
    TokensPerSecond: args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 50,
    SaturationTokens: 100_000,
    SaturationStreams: 4);
Console.WriteLine($"{Environment.ProcessorCount} cores; {settings.Streams} streams × {settings.Tokens} tokens at {settings.TokensPerSecond} tokens/s; saturation {settings.SaturationTokens:N0} tokens (1 stream) and {settings.SaturationStreams} × {settings.SaturationTokens / 2:N0}");

var results = new List<ModeResult>();
foreach (var mode in new[] { "None", "Async", "Sync" })
{
    Console.Error.WriteLine($"running {mode}…");
    results.Add(await Scenarios.RunAsync(mode, settings));
}

var baseline = results[0];
Console.WriteLine();
Console.WriteLine("| mode | lateness p50 ms | p99 ms | max ms | first event p50 ms | p99 ms | 1 stream events/s | many streams events/s | server CPU s per M events | durable lag p50 | p99 | commits | records/commit | max commit ms |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Mode} | {r.LatenessP50Ms:F2} | {r.LatenessP99Ms:F2} | {r.LatenessMaxMs:F1} | {r.FirstEventP50Ms:F2} | {r.FirstEventP99Ms:F2} | {r.OneStreamEventsPerSecond:N0} ({r.OneStreamEventsPerSecond / baseline.OneStreamEventsPerSecond:P0}) | {r.ManyStreamsEventsPerSecond:N0} ({r.ManyStreamsEventsPerSecond / baseline.ManyStreamsEventsPerSecond:P0}) | {r.CpuSecondsPerMillionEvents:F1} | {(r.Mode == "None" ? "–" : r.DurableLagP50.ToString("F0", CultureInfo.InvariantCulture))} | {(r.Mode == "None" ? "–" : r.DurableLagP99.ToString("F0", CultureInfo.InvariantCulture))} | {r.Commits:N0} | {r.RecordsPerCommit:F1} | {r.MaxCommitMs:F2} |"));
}
