using System.Net;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class CancelTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    private static void AssertEndsCancelledOnce(List<SseFrame> frames)
    {
        Assert.Single(frames, f => f.IsTerminal);
        var last = frames[^1];
        Assert.Equal("response.incomplete", last.Event);
        Assert.Equal("cancelled", last.Json.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal("cancelled", last.Json.GetProperty("response").GetProperty("incomplete_details").GetProperty("reason").GetString());
    }

    private async Task<JsonElement> CancelAsync(string id)
    {
        var response = await _client.PostAsync($"v1/responses/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Cancel_WhileQueued_EndsTheStreamAndTheWorkerSkipsIt()
    {
        await using var single = ResumableAppFactory.Create(new Dictionary<string, string?> { ["Resumable:Queue:Workers"] = "1" });
        var client = single.CreateApiClient();
        var blocker = await client.CreateBackgroundAsync("blocks the only worker", ResponsesApi.Synthetic(1000, tokensPerSecond: 20));
        await client.WaitForStatusAsync(blocker, "in_progress");
        var queued = await client.CreateBackgroundAsync("never starts", ResponsesApi.Synthetic(10));
        var reading = client.ReadAllEventsAsync(queued);

        var cancelled = await client.PostAsync($"v1/responses/{queued}/cancel", null);
        var frames = await reading.WaitAsync(Eventually.HangBound);

        Assert.Equal("cancelled", JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(["response.created", "response.queued", "response.incomplete"], frames.Select(f => f.Event));
        AssertEndsCancelledOnce(frames);

        // The only worker takes the queue in order: once a response queued after the cancelled one has run, the
        // worker has passed the cancelled one.
        await client.PostAsync($"v1/responses/{blocker}/cancel", null);
        await client.WaitForTerminalAsync(await client.CreateBackgroundAsync("queued after it", ResponsesApi.Synthetic(3)));
        Assert.Equal(3, (await client.ReadAllEventsAsync(queued)).Count);
    }

    [Fact]
    public async Task Cancel_WhileStreaming_EndsEveryReaderWithOneTerminalEvent()
    {
        var id = await _client.CreateBackgroundAsync("cancel me mid-stream", ResponsesApi.Synthetic(5000, tokensPerSecond: 200));
        var readers = Enumerable.Range(0, 3).Select(_ => _client.ReadInBackground(id)).ToArray();
        await Task.WhenAll(readers.Select(reader => reader.MidStream)).WaitAsync(Eventually.HangBound);

        var body = await CancelAsync(id);
        var streams = await Task.WhenAll(readers.Select(reader => reader.Frames)).WaitAsync(Eventually.HangBound);

        Assert.Equal("cancelled", body.GetProperty("status").GetString());
        foreach (var frames in streams)
        {
            AssertEndsCancelledOnce(frames);
            Assert.Contains(frames, f => f.Event == "response.output_text.delta");
        }
    }

    [Fact]
    public async Task Cancel_AfterCompletion_ReturnsTheFinalObjectAndAddsNoEvent()
    {
        var id = await _client.CreateBackgroundAsync("finished first", ResponsesApi.Synthetic(5));
        await _client.WaitForTerminalAsync(id);
        var before = await _client.ReadAllEventsAsync(id);

        var body = await CancelAsync(id);

        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal(before.Count, (await _client.ReadAllEventsAsync(id)).Count);
    }

    [Fact]
    public async Task Cancel_TwiceConcurrently_BothSucceedWithExactlyOneTerminalEvent()
    {
        var id = await _client.CreateBackgroundAsync("cancel race", ResponsesApi.Synthetic(5000, tokensPerSecond: 200));
        var reader = _client.ReadInBackground(id);
        await reader.MidStream.WaitAsync(Eventually.HangBound);

        var bodies = await Task.WhenAll(CancelAsync(id), CancelAsync(id));
        var frames = await reader.Frames.WaitAsync(Eventually.HangBound);

        Assert.All(bodies, b => Assert.Equal("cancelled", b.GetProperty("status").GetString()));
        AssertEndsCancelledOnce(frames);
        AssertEndsCancelledOnce(await _client.ReadAllEventsAsync(id));
    }

    [Fact]
    public async Task Delete_RunningResponse_StopsItEndsReadersAndThenAnswers404()
    {
        var id = await _client.CreateBackgroundAsync("delete me", ResponsesApi.Synthetic(5000, tokensPerSecond: 200));
        var reader = _client.ReadInBackground(id);
        await reader.MidStream.WaitAsync(Eventually.HangBound);

        var deleted = await _client.DeleteAsync($"v1/responses/{id}");
        var body = JsonDocument.Parse(await deleted.Content.ReadAsStringAsync()).RootElement;
        var frames = await reader.Frames.WaitAsync(Eventually.HangBound);

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(id, body.GetProperty("id").GetString());
        Assert.Equal("response", body.GetProperty("object").GetString());
        Assert.True(body.GetProperty("deleted").GetBoolean());
        AssertEndsCancelledOnce(frames);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.DeleteAsync($"v1/responses/{id}")).StatusCode);
    }
}
