using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace Resumable.LoadTest;

/// <summary>What one stream looked like from the client, times in milliseconds since the POST was sent.</summary>
/// <param name="FirstEventMs">POST sent → first event received.</param>
/// <param name="Events">Events received.</param>
/// <param name="Bytes">Bytes received.</param>
/// <param name="Latencies">Emit → receive per token (benchmark mode only).</param>
/// <param name="Gaps">Gaps between consecutive token events (detailed probes only).</param>
internal sealed record StreamTrace(double FirstEventMs, int Events, long Bytes, List<double> Latencies, List<double> Gaps);

/// <summary>Creates a streaming response and reads it to the end, timing events on the machine's monotonic clock.</summary>
internal static class StreamProbe
{
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    /// <summary>
    /// A detailed probe parses each line: first event, per-token emit→receive latency (the model runs in
    /// benchmark mode and each token is its emit timestamp) and the gaps between tokens. A plain probe only
    /// counts frames in the raw bytes, so that the client is not the bottleneck at saturation.
    /// </summary>
    public static async Task<StreamTrace> RunAsync(HttpClient client, int tokens, double tokensPerSecond, string input, bool background = true, bool detailed = true)
    {
        var body = new
        {
            model = "synthetic",
            input,
            background,
            stream = true,
            metadata = new Dictionary<string, string>
            {
                ["synthetic_output_tokens"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["synthetic_tokens_per_second"] = tokensPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["synthetic_ttft_ms"] = "0",
                ["synthetic_emit_timestamps"] = detailed ? "true" : "false",
            },
        };
        var started = Stopwatch.GetTimestamp();
        using var response = await SendWaitingOutPushBackAsync(client, body);
        await using var stream = await response.Content.ReadAsStreamAsync();
        return detailed ? await ReadDetailedAsync(stream, started, tokens) : await CountFramesAsync(stream, started);
    }

    // A node whose disk falls behind at saturation refuses new responses for a while (503 with Retry-After, once the
    // log's backlog passes MaxPendingBytes): that is the disk's speed, so the probe waits as asked and the waiting
    // counts in the figures, instead of ending the run. Bounded: at most 30 refusals per request.
    private static async Task<HttpResponseMessage> SendWaitingOutPushBackAsync(HttpClient client, object body)
    {
        for (var refusals = 0; ; refusals++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = JsonContent.Create(body) };
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || refusals >= 30)
            {
                response.EnsureSuccessStatusCode();
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            Console.Error.WriteLine($"the server pushed back (503); waiting {wait.TotalSeconds:0.#} s as asked");
            await Task.Delay(wait);
        }
    }

    /// <summary>Reads an SSE body parsing each line, as a detailed probe does; <paramref name="started"/> is when its request was sent.</summary>
    internal static async Task<StreamTrace> ReadDetailedAsync(Stream stream, long started, int tokens)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        double firstEvent = -1, previousToken = -1;
        var events = 0;
        long bytes = 0;
        var latencies = new List<double>(tokens);
        var gaps = new List<double>(tokens);
        while (await reader.ReadLineAsync() is { } line)
        {
            var received = Stopwatch.GetTimestamp();
            bytes += Encoding.UTF8.GetByteCount(line) + 1;
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var now = (received - started) / TicksPerMs;
            events++;
            if (firstEvent < 0)
            {
                firstEvent = now;
            }

            var delta = line.IndexOf("\"delta\":\"", StringComparison.Ordinal);
            if (delta < 0 || !line.Contains("output_text.delta", StringComparison.Ordinal))
            {
                continue;
            }

            var digits = line.AsSpan(delta + 9);
            if (long.TryParse(digits[..digits.IndexOf(' ')], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var emitted))
            {
                latencies.Add((received - emitted) / TicksPerMs);
            }

            if (previousToken >= 0)
            {
                gaps.Add(now - previousToken);
            }

            previousToken = now;
        }

        return new StreamTrace(firstEvent, events, bytes, latencies, gaps);
    }

    /// <summary>Counts the frames of an SSE body in its raw bytes, as a plain probe does.</summary>
    internal static async Task<StreamTrace> CountFramesAsync(Stream stream, long started)
    {
        var buffer = new byte[64 * 1024];
        double firstEvent = -1;
        var events = 0;
        long bytes = 0;
        var previous = (byte)0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            bytes += read;
            var frames = 0;
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'\n' && previous == (byte)'\n')
                {
                    frames++;
                }

                previous = b;
            }

            events += frames;
            if (frames > 0 && firstEvent < 0)
            {
                firstEvent = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        return new StreamTrace(firstEvent, events, bytes, [], []);
    }
}
