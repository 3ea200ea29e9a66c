using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resumable.Testing;

/// <summary>Small helpers over a real HTTP client for the responses API, used by every server test.</summary>
public static class ResponsesApi
{
    /// <summary>Metadata that makes the synthetic model produce <paramref name="tokens"/> tokens at <paramref name="tokensPerSecond"/> (0 = unpaced).</summary>
    public static Dictionary<string, string> Synthetic(int tokens, double tokensPerSecond = 0, int ttftMs = 0, int? failAt = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["synthetic_output_tokens"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["synthetic_tokens_per_second"] = tokensPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["synthetic_ttft_ms"] = ttftMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (failAt is { } f)
        {
            metadata["synthetic_fail_at_token"] = f.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return metadata;
    }

    /// <summary>Creates a background, non-streaming response and returns its id.</summary>
    public static async Task<string> CreateBackgroundAsync(this HttpClient client, string input, Dictionary<string, string>? metadata = null)
    {
        var response = await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input, background = true, metadata });
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"Create failed with {(int)response.StatusCode}: {body}");
        }

        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>Posts raw JSON text to create a response.</summary>
    public static Task<HttpResponseMessage> PostJsonTextAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Opens <c>GET /v1/responses/{id}?stream=true</c> (with an optional cursor) and returns a reader over its body.</summary>
    public static async Task<(HttpResponseMessage Response, SseReader Reader)> OpenStreamAsync(
        this HttpClient client, string id, long? startingAfter = null, long? lastEventId = null, CancellationToken cancellationToken = default)
    {
        var url = $"v1/responses/{id}?stream=true" + (startingAfter is { } s ? $"&starting_after={s}" : "");
        var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = client.DefaultRequestVersion, VersionPolicy = client.DefaultVersionPolicy };
        if (lastEventId is { } l)
        {
            request.Headers.Add("Last-Event-ID", l.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        return (response, new SseReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
    }

    /// <summary>Reads a whole stream from the start (after completion this is the full replay).</summary>
    public static async Task<List<SseFrame>> ReadAllEventsAsync(this HttpClient client, string id, long? startingAfter = null)
    {
        var (response, reader) = await client.OpenStreamAsync(id, startingAfter);
        using (response)
        await using (reader)
        {
            return await reader.ReadToEndAsync();
        }
    }

    /// <summary>
    /// Reads a response's stream in the background: <c>MidStream</c> completes once the reader has received an event
    /// of type <paramref name="midStreamEvent"/> (it fails if the stream ends first), <c>Frames</c> with every event
    /// received when the stream ends. A test that must act while a reader is mid-stream awaits the first, not a delay.
    /// </summary>
    public static (Task MidStream, Task<List<SseFrame>> Frames) ReadInBackground(this HttpClient client, string id, string midStreamEvent = "response.output_text.delta")
    {
        var midStream = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (midStream.Task, ReadAsync());

        async Task<List<SseFrame>> ReadAsync()
        {
            try
            {
                var (response, reader) = await client.OpenStreamAsync(id);
                using (response)
                await using (reader)
                {
                    var frames = new List<SseFrame>();
                    while (await reader.ReadEventAsync() is { } frame)
                    {
                        frames.Add(frame);
                        if (frame.Event == midStreamEvent)
                        {
                            midStream.TrySetResult();
                        }
                    }

                    midStream.TrySetException(new InvalidOperationException($"The stream of {id} ended after {frames.Count} events without a '{midStreamEvent}'."));
                    return frames;
                }
            }
            catch (Exception ex)
            {
                midStream.TrySetException(ex);
                throw;
            }
        }
    }

    /// <summary>Waits until the response reaches a terminal status (bounded) and returns its object.</summary>
    public static async Task<JsonElement> WaitForTerminalAsync(this HttpClient client, string id, TimeSpan? timeout = null)
    {
        var element = default(JsonElement);
        await Eventually.UntilAsync(
            async () => (element = await client.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString() is "completed" or "failed" or "incomplete" or "cancelled",
            $"{id} to reach a terminal status",
            bound: timeout);
        return element;
    }

    /// <summary>Waits (bounded by <see cref="Eventually.HangBound"/>) until the response has <paramref name="status"/>.</summary>
    public static Task WaitForStatusAsync(this HttpClient client, string id, string status) =>
        Eventually.UntilAsync(async () => (await client.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString() == status, $"{id} to become {status}");

    /// <summary>GETs a path and parses the JSON body, failing on a non-success status.</summary>
    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} failed with {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>How many events of a response are ahead of its durable cursor (with the admin key).</summary>
    public static async Task<long> DurableLagAsync(this HttpClient admin, string id) =>
        (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response").GetProperty("durable_lag").GetInt64();

    /// <summary>Waits (bounded by <see cref="Eventually.HangBound"/>) until every event of a response is durable (with the admin key).</summary>
    public static Task WaitUntilDurableAsync(this HttpClient admin, string id) =>
        Eventually.UntilAsync(async () => await admin.DurableLagAsync(id) <= 0, $"every event of {id} to be durable");

    /// <summary>The events' bytes back to back, exactly as they were streamed.</summary>
    public static byte[] RawBytes(IEnumerable<SseFrame> frames) => frames.SelectMany(f => f.Raw).ToArray();

    /// <summary>The concatenated deltas of a list of events.</summary>
    public static string DeltaText(IEnumerable<SseFrame> frames) =>
        string.Concat(frames.Where(f => f.Event == "response.output_text.delta").Select(f => f.Json.GetProperty("delta").GetString()));

    /// <summary>The output text of a response object.</summary>
    public static string OutputText(JsonElement response) =>
        string.Concat(response.GetProperty("output").EnumerateArray()
            .SelectMany(item => item.GetProperty("content").EnumerateArray())
            .Select(part => part.GetProperty("text").GetString()));
}
