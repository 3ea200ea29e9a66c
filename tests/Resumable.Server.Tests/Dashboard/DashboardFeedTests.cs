using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Dashboard;

public class DashboardFeedTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    [Theory]
    [InlineData(null)]
    [InlineData(TestKeys.TenantA)]
    public async Task Feed_WithoutTheAdminKey_Returns401(string? key)
    {
        using var client = factory.CreateApiClient(key);
        using var response = await client.GetAsync("admin/dashboard/feed", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Page_LoadsOnlyItsOwnFiles_AndMayNotBeFramed()
    {
        using var client = factory.CreateApiClient(null);
        using var page = await client.GetAsync("dashboard/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy")).Split(';', StringSplitOptions.TrimEntries);
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
    }

    [Fact]
    public async Task Feed_SendsASnapshotThenPushesANewResponseUntilItCompletes()
    {
        var tenant = factory.CreateApiClient(TestKeys.TenantA);
        var before = await tenant.CreateBackgroundAsync("before the feed", ResponsesApi.Synthetic(3));
        await tenant.WaitForTerminalAsync(before);

        // Durable too: a finished response whose last events still wait for their commit is pushed again when the
        // durable cursor reaches them, and this response must not change any more once the feed has started.
        using var admin = factory.CreateApiClient(TestKeys.Admin);
        await Eventually.UntilAsync(
            async () => (await admin.GetJsonAsync($"admin/responses/{before}?limit=1")).GetProperty("response").GetProperty("durable_lag").GetInt64() == 0,
            $"{before} to be durable");
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/dashboard/feed");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        using var bound = new CancellationTokenSource(Eventually.HangBound);

        var snapshot = await reader.ReadEventAsync(bound.Token);
        Assert.Equal("snapshot", snapshot?.Event);
        var rows = JsonDocument.Parse(snapshot!.Data!).RootElement.GetProperty("responses").EnumerateArray().ToList();
        var listed = Assert.Single(rows, r => r.GetProperty("id").GetString() == before);
        Assert.Equal("completed", listed.GetProperty("status").GetString());
        Assert.Equal("tenant-a", listed.GetProperty("tenant").GetString());

        // Paced, so that it is seen running before it is seen completed.
        var id = await tenant.CreateBackgroundAsync("during the feed", ResponsesApi.Synthetic(30, tokensPerSecond: 20));
        var statuses = new List<string>();
        var events = new List<long>();
        while (statuses.LastOrDefault() != "completed")
        {
            var frame = await reader.ReadEventAsync(bound.Token) ?? throw new InvalidOperationException("The feed ended.");
            Assert.NotEqual("snapshot", frame.Event);
            if (frame.Event != "upsert")
            {
                continue;
            }

            foreach (var row in JsonDocument.Parse(frame.Data!).RootElement.GetProperty("responses").EnumerateArray())
            {
                Assert.NotEqual(before, row.GetProperty("id").GetString());
                if (row.GetProperty("id").GetString() == id)
                {
                    statuses.Add(row.GetProperty("status").GetString()!);
                    events.Add(row.GetProperty("events").GetInt64());
                }
            }
        }

        // Pushed as it ran: a running row first, event counts that only grow, and the final count is every event.
        Assert.Contains(statuses[0], new[] { "queued", "in_progress" });
        Assert.Equal(events.Order(), events);
        Assert.Equal((await tenant.ReadAllEventsAsync(id)).Count, events[^1]);
    }

    [Fact]
    public async Task Feed_PushesAFinishedResponseAgain_WhenItMovesToTheWriteAheadLog()
    {
        // Cold three seconds after it finished: by then the feed has sent it finished and durable, and it changes no
        // more but for the move, which only the move's own report can push.
        await using var server = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            ["Resumable:Retention:HotPeriod"] = "00:00:03",
            ["Resumable:Retention:SweepInterval"] = "00:00:00.050",
        });
        using var admin = server.CreateApiClient(TestKeys.Admin);
        using var response = await admin.GetAsync("admin/dashboard/feed", HttpCompletionOption.ResponseHeadersRead);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        using var bound = new CancellationTokenSource(Eventually.HangBound);
        Assert.Equal("snapshot", (await reader.ReadEventAsync(bound.Token))?.Event);

        var id = await server.CreateApiClient(TestKeys.TenantA).CreateBackgroundAsync("to go cold", ResponsesApi.Synthetic(3));
        var rows = new List<(string Status, long Lag, string Storage)>();
        while (rows.LastOrDefault().Storage != "wal")
        {
            var frame = await reader.ReadEventAsync(bound.Token) ?? throw new InvalidOperationException("The feed ended.");
            if (frame.Event == "upsert")
            {
                rows.AddRange(JsonDocument.Parse(frame.Data!).RootElement.GetProperty("responses").EnumerateArray()
                    .Where(row => row.GetProperty("id").GetString() == id)
                    .Select(row => (row.GetProperty("status").GetString()!, row.GetProperty("durable_lag").GetInt64(), row.GetProperty("storage").GetString()!)));
            }
        }

        Assert.Contains(("completed", 0L, "memory"), rows);
    }

    [Fact]
    public async Task Feed_PushesTheRemovalOfADeletedResponse()
    {
        var tenant = factory.CreateApiClient(TestKeys.TenantA);
        var id = await tenant.CreateBackgroundAsync("to be deleted", ResponsesApi.Synthetic(2));
        await tenant.WaitForTerminalAsync(id);

        using var admin = factory.CreateApiClient(TestKeys.Admin);
        using var response = await admin.GetAsync("admin/dashboard/feed", HttpCompletionOption.ResponseHeadersRead);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        using var bound = new CancellationTokenSource(Eventually.HangBound);
        var snapshot = await reader.ReadEventAsync(bound.Token);
        Assert.Contains(id, snapshot!.Data!);

        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"admin/responses/{id}")).StatusCode);
        while (true)
        {
            var frame = await reader.ReadEventAsync(bound.Token) ?? throw new InvalidOperationException("The feed ended.");
            if (frame.Event == "remove" && JsonDocument.Parse(frame.Data!).RootElement.GetProperty("ids").EnumerateArray().Any(e => e.GetString() == id))
            {
                break;
            }
        }

        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync($"v1/responses/{id}")).StatusCode);
    }
}
