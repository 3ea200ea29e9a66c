using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>
/// One way to read a stream of the fake upstream: <see cref="Direct"/> from the fake itself (Chat Completions), or
/// through the server as a foreground stream (<c>POST /v1/responses</c> with <c>stream: true</c>) or as a background
/// response read with <c>GET /v1/responses/{id}?stream=true</c>. Every stream is read to its end and checked: all the
/// deltas asked for, and a proper ending (<c>[DONE]</c> after a finish reason; <c>response.completed</c>).
/// </summary>
internal sealed class UpstreamPath
{
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;

    // Every stream of the run lasts seconds; one that takes longer than this has hung, and the run stops with it.
    private static readonly TimeSpan StreamDeadline = TimeSpan.FromMinutes(1);

    private readonly HttpClient _client;
    private readonly Func<HttpClient, FakeStreamShape, CancellationToken, Task<DeltaTrace>> _read;

    private UpstreamPath(string name, HttpClient client, Func<HttpClient, FakeStreamShape, CancellationToken, Task<DeltaTrace>> read)
    {
        Name = name;
        _client = client;
        _read = read;
    }

    public string Name { get; }

    /// <summary>Whether this is the path without the server, the one the others are compared with.</summary>
    public bool IsDirect => Name == "direct";

    /// <summary>A client of the fake's direct listener.</summary>
    public static UpstreamPath Direct(HttpClient fake) => new("direct", fake, ReadDirectAsync);

    /// <summary>A client of the server: foreground streaming.</summary>
    public static UpstreamPath Foreground(HttpClient server) => new("through Resumable, foreground", server, ReadForegroundAsync);

    /// <summary>A client of the server: a background response, then its stream.</summary>
    public static UpstreamPath Background(HttpClient server) => new("through Resumable, background + GET", server, ReadBackgroundAsync);

    /// <summary>
    /// For comparison, not through the fake: a foreground stream of the server's built-in synthetic model in benchmark
    /// mode, paced the same way, each delta the server's own emit timestamp (the server's pipeline without the upstream hop).
    /// </summary>
    public static UpstreamPath Synthetic(HttpClient server) => new("synthetic model, foreground (no upstream)", server, ReadSyntheticAsync);

    /// <summary>Asks for a stream of <paramref name="shape"/> and reads it to its end.</summary>
    public async Task<DeltaTrace> RunAsync(FakeStreamShape shape)
    {
        using var deadline = new CancellationTokenSource(StreamDeadline);
        return await _read(_client, shape, deadline.Token);
    }

    private static async Task<DeltaTrace> ReadDirectAsync(HttpClient client, FakeStreamShape shape, CancellationToken cancellationToken)
    {
        var body = new
        {
            model = "fake",
            messages = new[] { new { role = "user", content = shape.ToInput() } },
            stream = true,
            stream_options = new { include_usage = true },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = JsonContent.Create(body) };
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), started, shape, "\"content\":\"", "\"content\":\"", "\"finish_reason\":\"stop\"", "data: [DONE]", cancellationToken);
    }

    private static async Task<DeltaTrace> ReadForegroundAsync(HttpClient client, FakeStreamShape shape, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = JsonContent.Create(new { model = "fake", input = shape.ToInput(), stream = true }) };
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadResponseEventsAsync(await response.Content.ReadAsStreamAsync(cancellationToken), started, shape, cancellationToken);
    }

    private static async Task<DeltaTrace> ReadSyntheticAsync(HttpClient client, FakeStreamShape shape, CancellationToken cancellationToken)
    {
        var metadata = new Dictionary<string, string>
        {
            ["synthetic_output_tokens"] = shape.Tokens.ToString(CultureInfo.InvariantCulture),
            ["synthetic_tokens_per_second"] = shape.TokensPerSecond.ToString(CultureInfo.InvariantCulture),
            ["synthetic_ttft_ms"] = shape.TimeToFirstTokenMs.ToString(CultureInfo.InvariantCulture),
            ["synthetic_emit_timestamps"] = "true",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = JsonContent.Create(new { model = "synthetic", input = "paced", stream = true, metadata }) };
        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadResponseEventsAsync(await response.Content.ReadAsStreamAsync(cancellationToken), started, shape, cancellationToken);
    }

    private static async Task<DeltaTrace> ReadBackgroundAsync(HttpClient client, FakeStreamShape shape, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        string id;
        using (var created = await client.PostAsJsonAsync("v1/responses", new { model = "fake", input = shape.ToInput(), background = true }, cancellationToken))
        {
            created.EnsureSuccessStatusCode();
            id = (await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
        }

        using var response = await client.GetAsync($"v1/responses/{id}?stream=true", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await ReadResponseEventsAsync(await response.Content.ReadAsStreamAsync(cancellationToken), started, shape, cancellationToken);
    }

    private static Task<DeltaTrace> ReadResponseEventsAsync(Stream stream, long started, FakeStreamShape shape, CancellationToken cancellationToken) =>
        ReadAsync(stream, started, shape, "\"type\":\"response.output_text.delta\"", "\"delta\":\"", "\"type\":\"response.output_text.done\"", "\"type\":\"response.completed\"", cancellationToken);

    /// <summary>
    /// Reads SSE lines to the end; a <c>data:</c> line holding <paramref name="deltaMarker"/> is a delta, whose text
    /// (after <paramref name="textMarker"/>) is the fake's send timestamp followed by a space. The stream must show both
    /// <paramref name="lastChunkMarker"/> and <paramref name="endMarker"/>.
    /// </summary>
    private static async Task<DeltaTrace> ReadAsync(Stream stream, long started, FakeStreamShape shape, string deltaMarker, string textMarker, string lastChunkMarker, string endMarker, CancellationToken cancellationToken)
    {
        await using var body = stream;
        using var reader = new StreamReader(body, Encoding.UTF8);
        var firstDelta = -1.0;
        var latencies = new List<double>(shape.Tokens);
        bool sawLastChunk = false, sawEnd = false;
        string? last = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            var received = Stopwatch.GetTimestamp();
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            last = line;
            sawLastChunk |= line.Contains(lastChunkMarker, StringComparison.Ordinal);
            sawEnd |= line.Contains(endMarker, StringComparison.Ordinal);
            if (!line.Contains(deltaMarker, StringComparison.Ordinal))
            {
                continue;
            }

            if (firstDelta < 0)
            {
                firstDelta = (received - started) / TicksPerMs;
            }

            var text = line.IndexOf(textMarker, StringComparison.Ordinal) + textMarker.Length;
            var space = line.IndexOf(' ', text);
            if (text < textMarker.Length || space < 0 || !long.TryParse(line.AsSpan(text, space - text), NumberStyles.None, CultureInfo.InvariantCulture, out var sent))
            {
                throw new InvalidOperationException($"A delta without the fake's timestamp: {line}");
            }

            latencies.Add((received - sent) / TicksPerMs);
        }

        if (latencies.Count != shape.Tokens || !sawLastChunk || !sawEnd)
        {
            throw new InvalidOperationException($"A stream of {shape.Tokens} deltas ended after {latencies.Count} (last chunk seen: {sawLastChunk}, end seen: {sawEnd}); its last event: {last}");
        }

        return new DeltaTrace(firstDelta, latencies.Count, latencies);
    }
}
