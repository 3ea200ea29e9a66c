using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Resumable.Cli.Connection;
using Resumable.Cli.Streaming;

namespace Resumable.Cli.Bench;

/// <summary>
/// Drives a bounded load: <see cref="BenchSettings.Responses"/> streamed responses of the synthetic model, at most
/// <see cref="BenchSettings.Concurrency"/> at once, each read to its terminal event. It measures, per response, the
/// time from sending the create to its first event and to its first text delta, and the gaps between consecutive
/// text deltas as they arrive (the pace a reader sees; the model's time to first token is not among them).
/// </summary>
internal sealed class BenchRunner(ApiClient client, BenchSettings settings)
{
    private int _done;
    private long _events;

    /// <summary>Responses finished so far (completed or not).</summary>
    public int Done => Volatile.Read(ref _done);

    /// <summary>Events received so far.</summary>
    public long Events => Interlocked.Read(ref _events);

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        var samples = new ResponseSample[settings.Responses];
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, settings.Responses),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                samples[index] = await RunOneAsync(index, token).ConfigureAwait(false);
                Interlocked.Increment(ref _done);
            }).ConfigureAwait(false);
        return BenchReport.From(samples, clock.Elapsed);
    }

    private async Task<ResponseSample> RunOneAsync(int index, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = settings.Model,
            ["input"] = $"bench response {index.ToString(CultureInfo.InvariantCulture)}",
            ["stream"] = true,
            ["metadata"] = new JsonObject
            {
                ["synthetic_output_tokens"] = settings.Tokens.ToString(CultureInfo.InvariantCulture),
                ["synthetic_tokens_per_second"] = settings.TokensPerSecond.ToString(CultureInfo.InvariantCulture),
            },
        };
        var events = 0;
        double? first = null;
        double? firstDelta = null;
        var gaps = new List<double>(settings.Tokens + 16);
        var start = Stopwatch.GetTimestamp();
        long? previousDelta = null;
        try
        {
            using var response = await client.OpenStreamAsync(HttpMethod.Post, "v1/responses", body, lastEventId: null, cancellationToken).ConfigureAwait(false);
            using var reader = new SseEventReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } sse)
            {
                var now = Stopwatch.GetTimestamp();
                events++;
                Interlocked.Increment(ref _events);
                first ??= Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
                if (sse.Type == "response.output_text.delta")
                {
                    firstDelta ??= Stopwatch.GetElapsedTime(start, now).TotalMilliseconds;
                    if (previousDelta is { } previous)
                    {
                        gaps.Add(Stopwatch.GetElapsedTime(previous, now).TotalMilliseconds);
                    }

                    previousDelta = now;
                }

                switch (sse.Type)
                {
                    case "response.completed":
                        return new ResponseSample(events, first, firstDelta, gaps, null);
                    case "response.failed" or "response.incomplete" or "error":
                        return new ResponseSample(events, first, firstDelta, gaps, $"{sse.Type}: {sse.Data}");
                }
            }

            return new ResponseSample(events, first, firstDelta, gaps, "the stream ended without a terminal event");
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or IOException)
        {
            return new ResponseSample(events, first, firstDelta, gaps, e is ApiException api ? CommandErrors.Describe(api) : e.Message);
        }
    }
}
