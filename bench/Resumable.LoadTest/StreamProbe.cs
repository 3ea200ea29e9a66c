using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>What one stream looked like from the client: arrival times of its events, relative to the POST.</summary>
internal sealed record StreamTrace(double FirstEventMs, double FirstTokenMs, List<(int Token, double ArrivalMs)> Tokens, int Events, long Bytes, double LastEventMs);

/// <summary>Creates a background streaming response and reads it, timing every event on a monotonic clock.</summary>
internal static class StreamProbe
{
    public static async Task<StreamTrace> RunAsync(HttpClient client, int tokens, double tokensPerSecond, string input)
    {
        var body = new
        {
            model = "synthetic",
            input,
            background = true,
            stream = true,
            metadata = new Dictionary<string, string>
            {
                ["synthetic_output_tokens"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["synthetic_tokens_per_second"] = tokensPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["synthetic_ttft_ms"] = "0",
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = JsonContent.Create(body) };
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        double firstEvent = -1, firstToken = -1, last = 0;
        var events = 0;
        long bytes = 0;
        var tokenIndex = 0;
        var trace = new List<(int, double)>(tokens);
        while (await reader.ReadLineAsync() is { } line)
        {
            bytes += line.Length + 1;
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var now = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            events++;
            last = now;
            if (firstEvent < 0)
            {
                firstEvent = now;
            }

            if (!line.Contains("\"response.output_text.delta\"", StringComparison.Ordinal))
            {
                continue;
            }

            // Every synthetic token ends with a space; the first piece of a split token never does.
            var delta = JsonDocument.Parse(line.AsMemory(6)).RootElement.GetProperty("delta").GetString()!;
            if (delta.EndsWith(' '))
            {
                if (firstToken < 0)
                {
                    firstToken = now;
                }

                trace.Add((tokenIndex++, now));
            }
        }

        return new StreamTrace(firstEvent, firstToken, trace, events, bytes, last);
    }
}
