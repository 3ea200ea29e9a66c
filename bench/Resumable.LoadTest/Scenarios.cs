using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>One durability mode's figures.</summary>
internal sealed record ModeResult(
    string Mode,
    double LatenessP50Ms,
    double LatenessP99Ms,
    double LatenessMaxMs,
    double FirstEventP50Ms,
    double FirstEventP99Ms,
    double OneStreamEventsPerSecond,
    double ManyStreamsEventsPerSecond,
    double CpuSecondsPerMillionEvents,
    double DurableLagP50,
    double DurableLagP99,
    long Commits,
    double RecordsPerCommit,
    double MaxCommitMs);

internal static class Scenarios
{
    public static async Task<ModeResult> RunAsync(string mode, Settings settings)
    {
        await using var server = await ServerUnderTest.StartAsync(mode);
        using var client = server.CreateClient(ServerUnderTest.TenantKey);
        using var admin = server.CreateClient(ServerUnderTest.AdminKey);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => StreamProbe.RunAsync(client, 50, 0, $"warm up {i}")));

        // Paced: many concurrent streams at a steady token rate; lateness against each stream's own schedule.
        using var sampling = new CancellationTokenSource();
        var lagSampler = SampleDurableLagAsync(admin, sampling.Token);
        var paced = await Task.WhenAll(Enumerable.Range(0, settings.Streams).Select(i => StreamProbe.RunAsync(client, settings.Tokens, settings.TokensPerSecond, $"paced stream {i}")));
        await sampling.CancelAsync();
        var lags = await lagSampler;

        var lateness = paced.SelectMany(trace => trace.Tokens.Select(t => t.ArrivalMs - (trace.FirstTokenMs + (t.Token * 1000 / settings.TokensPerSecond)))).Order().ToList();
        var firstEvents = paced.Select(t => t.FirstEventMs).Order().ToList();

        // Saturation: unpaced generation, one stream, then several at once.
        var one = await StreamProbe.RunAsync(client, settings.SaturationTokens, 0, "one fast stream");
        var cpuBefore = server.CpuSeconds;
        var watch = Stopwatch.StartNew();
        var many = await Task.WhenAll(Enumerable.Range(0, settings.SaturationStreams).Select(i => StreamProbe.RunAsync(client, settings.SaturationTokens / 2, 0, $"fast stream {i}")));
        var manySeconds = watch.Elapsed.TotalSeconds;
        var manyEvents = many.Sum(t => t.Events);
        var cpu = server.CpuSeconds - cpuBefore;

        var stats = (await admin.GetFromJsonAsync<JsonElement>("admin/stats"));
        var wal = stats.GetProperty("wal");
        return new ModeResult(
            mode,
            Percentiles.Of(lateness, 50),
            Percentiles.Of(lateness, 99),
            lateness.Count == 0 ? double.NaN : lateness[^1],
            Percentiles.Of(firstEvents, 50),
            Percentiles.Of(firstEvents, 99),
            one.Events / ((one.LastEventMs - one.FirstEventMs) / 1000),
            manyEvents / manySeconds,
            cpu / manyEvents * 1_000_000,
            Percentiles.Of(lags, 50),
            Percentiles.Of(lags, 99),
            wal.ValueKind == JsonValueKind.Null ? 0 : wal.GetProperty("commits").GetInt64(),
            wal.ValueKind == JsonValueKind.Null ? 0 : wal.GetProperty("records_per_commit").GetDouble(),
            wal.ValueKind == JsonValueKind.Null ? 0 : wal.GetProperty("max_commit_milliseconds").GetDouble());
    }

    // Samples the durable lag (sequence numbers between a running response's last event and its last durable one).
    private static async Task<List<double>> SampleDurableLagAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        var lags = new List<double>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var list = await admin.GetFromJsonAsync<JsonElement>("admin/responses?status=in_progress&limit=100", cancellationToken);
                foreach (var response in list.GetProperty("data").EnumerateArray())
                {
                    lags.Add(response.GetProperty("durable_lag").GetInt64());
                }

                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        lags.Sort();
        return lags;
    }
}

/// <summary>The load shape, overridable on the command line.</summary>
internal sealed record Settings(int Streams, int Tokens, double TokensPerSecond, int SaturationTokens, int SaturationStreams);
