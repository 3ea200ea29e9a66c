using System.Diagnostics;

namespace Resumable.LoadTest;

/// <summary>Reconnects to a response from a cursor and times request sent → first replayed event received.</summary>
internal static class ResumeProbe
{
    public static async Task<List<double>> MeasureAsync(HttpClient client, IReadOnlyList<string> ids, int eventsPerResponse, int resumes, int seed)
    {
        var random = new Random(seed);
        var latencies = new List<double>(resumes);
        for (var i = 0; i < resumes; i++)
        {
            var id = ids[random.Next(ids.Count)];
            var cursor = random.Next(0, eventsPerResponse - 2);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/responses/{id}?stream=true");
            request.Headers.Add("Last-Event-ID", cursor.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var started = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    break;
                }
            }
        }

        latencies.Sort();
        return latencies;
    }
}
