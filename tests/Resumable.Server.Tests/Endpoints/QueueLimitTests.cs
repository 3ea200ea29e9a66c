using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class QueueLimitTests
{
    [Fact]
    public async Task Create_QueueFull_Returns429WithRetryAfterAndTheErrorShape()
    {
        await using var factory = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            ["Resumable:Queue:Capacity"] = "1",
            ["Resumable:Queue:Workers"] = "1",
            ["Resumable:Queue:RetryAfterSeconds"] = "7",
        });
        var client = factory.CreateApiClient();
        var slow = ResponsesApi.Synthetic(1000, tokensPerSecond: 20);
        var running = await client.CreateBackgroundAsync("occupies the worker", slow);
        await client.WaitForStatusAsync(running, "in_progress");
        var queued = await client.CreateBackgroundAsync("waits in the queue", slow);

        var refused = await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "one too many", background = true });
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("7", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("queue_full", body.GetProperty("code").GetString());
        Assert.Equal("queued", (await client.GetJsonAsync($"v1/responses/{queued}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("readyz")).StatusCode);

        await client.PostAsync($"v1/responses/{running}/cancel", null);
        await client.PostAsync($"v1/responses/{queued}/cancel", null);
    }

    [Fact]
    public async Task Cancel_QueuedResponse_FreesItsQueueSlotAtOnce()
    {
        await using var factory = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            ["Resumable:Queue:Capacity"] = "1",
            ["Resumable:Queue:Workers"] = "1",
        });
        var client = factory.CreateApiClient();
        var slow = ResponsesApi.Synthetic(1000, tokensPerSecond: 20);
        var running = await client.CreateBackgroundAsync("occupies the worker", slow);
        await client.WaitForStatusAsync(running, "in_progress");
        var queued = await client.CreateBackgroundAsync("waits in the queue", slow);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "refused", background = true })).StatusCode);

        // The worker is still busy with the first response: only the cancellation itself can free the slot.
        var cancelled = await client.PostAsync($"v1/responses/{queued}/cancel", null);
        var admitted = await client.CreateBackgroundAsync("takes the freed slot", slow);
        var ready = await client.GetAsync("readyz");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("queued", (await client.GetJsonAsync($"v1/responses/{admitted}")).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("in_progress", (await client.GetJsonAsync($"v1/responses/{running}")).GetProperty("status").GetString());

        await client.PostAsync($"v1/responses/{running}/cancel", null);
        await client.PostAsync($"v1/responses/{admitted}/cancel", null);
    }
}
