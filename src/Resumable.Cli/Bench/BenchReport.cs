using System.Text.Json.Serialization;

namespace Resumable.Cli.Bench;

/// <summary>The figures of a bench run, as the table and <c>--json</c> print them. Latencies are milliseconds.</summary>
internal sealed record BenchReport(
    [property: JsonPropertyName("responses")] int Responses,
    [property: JsonPropertyName("completed")] int Completed,
    [property: JsonPropertyName("errors")] int Errors,
    [property: JsonPropertyName("events")] long Events,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("events_per_second")] double EventsPerSecond,
    [property: JsonPropertyName("first_event_ms_p50")] double FirstEventP50,
    [property: JsonPropertyName("first_event_ms_p95")] double FirstEventP95,
    [property: JsonPropertyName("first_event_ms_p99")] double FirstEventP99,
    [property: JsonPropertyName("first_delta_ms_p50")] double FirstDeltaP50,
    [property: JsonPropertyName("first_delta_ms_p95")] double FirstDeltaP95,
    [property: JsonPropertyName("first_delta_ms_p99")] double FirstDeltaP99,
    [property: JsonPropertyName("inter_event_ms_p50")] double InterEventP50,
    [property: JsonPropertyName("inter_event_ms_p99")] double InterEventP99,
    [property: JsonPropertyName("first_error")] string? FirstError)
{
    public static BenchReport From(IReadOnlyList<ResponseSample> samples, TimeSpan elapsed)
    {
        var firsts = samples.Where(s => s.FirstEventMs is not null).Select(s => s.FirstEventMs!.Value).Order().ToArray();
        var deltas = samples.Where(s => s.FirstDeltaMs is not null).Select(s => s.FirstDeltaMs!.Value).Order().ToArray();
        var gaps = samples.SelectMany(s => s.GapsMs).Order().ToArray();
        var events = samples.Sum(s => (long)s.Events);
        var errors = samples.Count(s => s.Error is not null);
        return new BenchReport(
            samples.Count,
            samples.Count - errors,
            errors,
            events,
            elapsed.TotalSeconds,
            elapsed > TimeSpan.Zero ? events / elapsed.TotalSeconds : 0,
            Percentile(firsts, 0.50),
            Percentile(firsts, 0.95),
            Percentile(firsts, 0.99),
            Percentile(deltas, 0.50),
            Percentile(deltas, 0.95),
            Percentile(deltas, 0.99),
            Percentile(gaps, 0.50),
            Percentile(gaps, 0.99),
            samples.FirstOrDefault(s => s.Error is not null)?.Error);
    }

    // Nearest rank on sorted values: the smallest value with at least that fraction of values at or below it.
    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
