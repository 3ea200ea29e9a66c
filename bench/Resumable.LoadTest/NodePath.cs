using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Resumable.LoadTest;

/// <summary>
/// One way to read node A's responses: from A itself (direct) or through node B (relayed). Every answer is checked
/// for the node headers, so a figure is never of the other path.
/// </summary>
internal sealed record NodePath(string Name, HttpClient Client, bool Relayed)
{
    private const string NodeHeader = "x-resumable-node";
    private const string RelayedByHeader = "x-resumable-relayed-by";

    /// <summary>
    /// Sends <c>GET /v1/responses/{id}?stream=true</c> (with <c>Last-Event-ID</c> when given) and returns the answer
    /// once its headers are in. A 404 from B, should Redis not know the response yet, is retried for up to a second,
    /// and <paramref name="retried"/> is told of each retry.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string id, long? lastEventId, Action? retried = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/responses/{id}?stream=true");
            if (lastEventId is { } cursor)
            {
                request.Headers.Add("Last-Event-ID", cursor.ToString(CultureInfo.InvariantCulture));
            }

            var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.NotFound && Relayed && attempt < 100)
            {
                response.Dispose();
                retried?.Invoke();
                await Task.Delay(10);
                continue;
            }

            response.EnsureSuccessStatusCode();
            Check(response, id);
            return response;
        }
    }

    /// <summary>
    /// A resume from <paramref name="lastEventId"/>: milliseconds from sending the request to the first resumed event's
    /// bytes. A finished response's stream is then read to its end, so the connections (the client's, and B's to A)
    /// stay open for the next resume, as a client's would; a running one's is left at once.
    /// </summary>
    public async Task<double> ResumeAsync(string id, long lastEventId, bool finished)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await OpenStreamAsync(id, lastEventId);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (finished)
            {
                await reader.ReadToEndAsync();
            }

            return elapsed;
        }

        throw new InvalidOperationException($"The resume of {id} after {lastEventId} on the {Name} path ended without an event.");
    }

    private void Check(HttpResponseMessage response, string id)
    {
        var owner = response.Headers.TryGetValues(NodeHeader, out var owners) ? string.Join(",", owners) : "";
        var relay = response.Headers.TryGetValues(RelayedByHeader, out var relays) ? string.Join(",", relays) : "";
        var expectedRelay = Relayed ? ClusterUnderTest.RelayId : "";
        if (owner != ClusterUnderTest.OwnerId || relay != expectedRelay)
        {
            throw new InvalidOperationException(
                $"{id} on the {Name} path was answered with {NodeHeader}: '{owner}', {RelayedByHeader}: '{relay}'; expected '{ClusterUnderTest.OwnerId}' and '{expectedRelay}'.");
        }
    }
}
