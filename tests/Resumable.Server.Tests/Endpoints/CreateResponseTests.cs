using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class CreateResponseTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    [Fact]
    public async Task SyntheticBenchmarkMode_EmitsTheMonotonicClockAsEachToken()
    {
        var before = System.Diagnostics.Stopwatch.GetTimestamp();
        var metadata = ResponsesApi.Synthetic(20);
        metadata["synthetic_emit_timestamps"] = "true";
        var id = await _client.CreateBackgroundAsync("timestamps", metadata);
        var frames = await _client.ReadAllEventsAsync(id);
        var after = System.Diagnostics.Stopwatch.GetTimestamp();

        var stamps = frames.Where(f => f.Event == "response.output_text.delta")
            .Select(f => long.Parse(f.Json.GetProperty("delta").GetString()!.TrimEnd(' '), System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(20, stamps.Count);
        Assert.Equal(stamps.Order(), stamps);
        Assert.All(stamps, stamp => Assert.InRange(stamp, before, after));
    }

    [Fact]
    public async Task Create_BackgroundWithoutStream_Returns200WithTheQueuedObject()
    {
        var response = await _client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "hello", background = true });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.True(body.GetProperty("background").GetBoolean());
        Assert.Matches("^resp_[0-9a-f]{32}$", body.GetProperty("id").GetString());
        Assert.True(response.Headers.Contains("openai-poll-after-ms"));
    }

    [Fact]
    public async Task Create_BackgroundStream_SendsSseHeadersAndEveryEventInOrder()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent.Create(new { model = "synthetic", input = "stream me", background = true, stream = true }),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await reader.ReadToEndAsync();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
        Assert.Equal(["response.created", "response.queued", "response.in_progress", "response.output_item.added", "response.content_part.added"], frames.Take(5).Select(f => f.Event));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"], frames.TakeLast(4).Select(f => f.Event));
        Assert.All(frames, f => Assert.Equal(f.Event, f.Json.GetProperty("type").GetString()));
        Assert.All(frames, f => Assert.Equal(f.SequenceNumber, f.Json.GetProperty("sequence_number").GetInt64()));
        var final = frames[^1].Json.GetProperty("response");
        Assert.Equal(ResponsesApi.DeltaText(frames), ResponsesApi.OutputText(final));
    }

    [Fact]
    public async Task Create_BackgroundStream_ClientDisconnectDoesNotStopTheJob()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent.Create(new { model = "synthetic", input = "keep going", background = true, stream = true, metadata = ResponsesApi.Synthetic(60, tokensPerSecond: 200) }),
        };
        string id;
        using (var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        await using (var reader = new SseReader(await response.Content.ReadAsStreamAsync()))
        {
            id = (await reader.ReadEventAsync())!.Json.GetProperty("response").GetProperty("id").GetString()!;
        }

        var final = await _client.WaitForTerminalAsync(id);
        Assert.Equal("completed", final.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_ForegroundStream_SendsEveryEventInOrderWithoutResponseQueued()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent.Create(new { model = "synthetic", input = "stream me now", stream = true, metadata = ResponsesApi.Synthetic(5) }),
        };
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await reader.ReadToEndAsync();

        // A foreground response is never queued: not a single response.queued, anywhere in its stream. (Five tokens
        // give at least five deltas: a token whose characters the model produced in pieces may take two.)
        var deltas = frames.Count(f => f.Event == "response.output_text.delta");
        Assert.InRange(deltas, 5, 10);
        string[] expected =
        [
            "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
            .. Enumerable.Repeat("response.output_text.delta", deltas),
            "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed",
        ];
        Assert.Equal(expected, frames.Select(f => f.Event));
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
        Assert.Equal(ResponsesApi.DeltaText(frames), ResponsesApi.OutputText(frames[^1].Json.GetProperty("response")));
    }

    [Fact]
    public async Task Create_ForegroundStream_ClientDisconnectCancelsTheJob()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent.Create(new { model = "synthetic", input = "stop when I leave", stream = true, metadata = ResponsesApi.Synthetic(2000, tokensPerSecond: 100) }),
        };
        string id;
        using (var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        await using (var reader = new SseReader(await response.Content.ReadAsStreamAsync()))
        {
            var created = (await reader.ReadEventAsync())!;
            Assert.Equal("response.created", created.Event);
            id = created.Json.GetProperty("response").GetProperty("id").GetString()!;
        }

        var final = await _client.WaitForTerminalAsync(id);
        Assert.Equal("cancelled", final.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Create_ForegroundWithoutStream_WaitsAndReturnsTheFinalObject()
    {
        var response = await _client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "wait for it" });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("background").GetBoolean());
        Assert.NotEmpty(ResponsesApi.OutputText(body));
        Assert.Equal(40, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_StoreFalse_StreamsToItsCreatorButIsNotRetrievable()
    {
        var response = await _client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "ephemeral", store = false });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var id = body.GetProperty("id").GetString();

        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.False(body.GetProperty("store").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"v1/responses/{id}")).StatusCode);
    }

    [Fact]
    public async Task Create_MaxOutputTokensReached_EndsIncompleteWithThatReason()
    {
        var response = await _client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "long", max_output_tokens = 16 });
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("incomplete", body.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", body.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal(16, body.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Create_InjectedGeneratorFailure_EndsWithOneResponseFailedEvent()
    {
        var id = await _client.CreateBackgroundAsync("fail please", ResponsesApi.Synthetic(30, failAt: 10));
        await _client.WaitForTerminalAsync(id);
        var frames = await _client.ReadAllEventsAsync(id);

        Assert.Equal("response.failed", frames[^1].Event);
        Assert.Single(frames, f => f.IsTerminal);
        Assert.Equal("generator_failed", frames[^1].Json.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Retrieve_WhileRunning_SuggestsWhenToPollAgain()
    {
        var id = await _client.CreateBackgroundAsync("slow", ResponsesApi.Synthetic(500, tokensPerSecond: 50));
        var running = await _client.GetAsync($"v1/responses/{id}");
        Assert.True(running.Headers.TryGetValues("openai-poll-after-ms", out var values));
        Assert.True(int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);

        await _client.PostAsync($"v1/responses/{id}/cancel", null);
        var finished = await _client.GetAsync($"v1/responses/{id}");
        Assert.False(finished.Headers.Contains("openai-poll-after-ms"));
    }
}
