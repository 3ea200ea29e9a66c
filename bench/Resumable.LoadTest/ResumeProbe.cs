using System.Diagnostics;
using System.Globalization;

namespace Resumable.LoadTest;

/// <summary>Reconnects to a response from a cursor and times request sent → first replayed event received.</summary>
internal sealed class ResumeProbe(HttpClient client, IReadOnlyList<string> ids, int eventsPerResponse, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary><paramref name="resumes"/> resumes in a row, sorted.</summary>
    public async Task<List<double>> MeasureAsync(int resumes)
    {
        var latencies = new List<double>(resumes);
        for (var i = 0; i < resumes; i++)
        {
            latencies.Add(await MeasureOneAsync());
        }

        latencies.Sort();
        return latencies;
    }

    /// <summary>One resume of a random response from a random cursor; milliseconds to its first replayed event.</summary>
    public async Task<double> MeasureOneAsync()
    {
        var id = ids[_random.Next(ids.Count)];
        var cursor = _random.Next(0, eventsPerResponse - 2);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/responses/{id}?stream=true");
        request.Headers.Add("Last-Event-ID", cursor.ToString(CultureInfo.InvariantCulture));
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        throw new InvalidOperationException($"The replay of {id} after {cursor} ended without an event.");
    }
}
