using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Resumable.Testing;

namespace Resumable.System.Tests.Dashboard;

/// <summary>
/// The dashboard's server side across two nodes sharing Redis: one node's feed lists the other node's responses from
/// Redis, and the admin routes about one response (its events, its stream, cancel) reach its owner through the relay.
/// </summary>
public class DashboardClusterTests(TwoNodeCluster cluster) : IClassFixture<TwoNodeCluster>
{
    [Fact]
    public async Task Feed_OnOneNode_ListsAResponseOfTheOtherNodeUntilItCompletes()
    {
        using var admin = cluster.NodeA.Client(TestKeys.Admin);
        using var response = await admin.GetAsync("admin/dashboard/feed", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        using var bound = new CancellationTokenSource(Eventually.HangBound);
        var snapshot = JsonDocument.Parse((await reader.ReadEventAsync(bound.Token))!.Data!).RootElement;
        Assert.Equal("node-a", snapshot.GetProperty("node").GetString());
        Assert.True(snapshot.GetProperty("clustered").GetBoolean());

        using var tenant = cluster.NodeB.Client(TestKeys.TenantB);
        var id = await tenant.CreateBackgroundAsync("held by node b", ResponsesApi.Synthetic(40, tokensPerSecond: 20));
        JsonElement? last = null;
        while (last?.GetProperty("status").GetString() != "completed" || last?.GetProperty("durable_lag").GetInt64() != 0)
        {
            var frame = await reader.ReadEventAsync(bound.Token) ?? throw new InvalidOperationException("The feed ended.");
            if (frame.Event == "upsert")
            {
                foreach (var row in JsonDocument.Parse(frame.Data!).RootElement.GetProperty("responses").EnumerateArray().Where(r => r.GetProperty("id").GetString() == id))
                {
                    last = row.Clone();
                }
            }
        }

        var final = last!.Value;
        Assert.Equal("node-b", final.GetProperty("node").GetString());
        Assert.Equal("tenant-b", final.GetProperty("tenant").GetString());
        var events = await tenant.ReadAllEventsAsync(id);
        Assert.Equal(events[^1].SequenceNumber, final.GetProperty("last_sequence_number").GetInt64());
        Assert.Equal(events[^1].SequenceNumber, final.GetProperty("durable_sequence_number").GetInt64());
    }

    [Fact]
    public async Task AdminStreamAndDetail_ThroughTheOtherNode_AreTheOwnersEvents()
    {
        using var tenant = cluster.NodeB.Client(TestKeys.TenantA);
        var id = await tenant.CreateBackgroundAsync("followed through node a", ResponsesApi.Synthetic(30, tokensPerSecond: 20));
        using var admin = cluster.NodeA.Client(TestKeys.Admin);

        using var response = await admin.GetAsync($"admin/responses/{id}?stream=true", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        List<SseFrame> relayed;
        await using (var reader = new SseReader(await response.Content.ReadAsStreamAsync()))
        {
            relayed = await reader.ReadToEndAsync();
        }

        Assert.Equal("node-b", response.Headers.GetValues("x-resumable-node").Single());
        Assert.Equal("node-a", response.Headers.GetValues("x-resumable-relayed-by").Single());
        Assert.Equal(ResponsesApi.RawBytes(await tenant.ReadAllEventsAsync(id)), ResponsesApi.RawBytes(relayed));
        var detail = await admin.GetJsonAsync($"admin/responses/{id}");
        Assert.Equal(relayed.Select(f => f.SequenceNumber), detail.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence_number").GetInt64()));
    }

    [Fact]
    public async Task AdminCancel_ThroughTheOtherNode_CancelsTheOwnersRunningResponse()
    {
        using var tenant = cluster.NodeB.Client(TestKeys.TenantB);
        var id = await tenant.CreateBackgroundAsync("cancelled through node a", ResponsesApi.Synthetic(5_000, tokensPerSecond: 20));
        await tenant.WaitForStatusAsync(id, "in_progress");
        using var admin = cluster.NodeA.Client(TestKeys.Admin);

        using var cancel = await admin.PostAsync($"admin/responses/{id}/cancel", null);
        var body = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", body.GetProperty("status").GetString());
        Assert.Equal("cancelled", (await tenant.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
        using var tenantKeyOnAdmin = cluster.NodeA.Client(TestKeys.TenantB);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenantKeyOnAdmin.PostAsync($"admin/responses/{id}/cancel", null)).StatusCode);
    }
    [Fact]
    public async Task Dashboard_OnOneNode_ShowsAndFollowsARunningResponseOfTheOtherNode()
    {
        using var tenant = cluster.NodeB.Client(TestKeys.TenantA);
        var id = await tenant.CreateBackgroundAsync("watched from node a", ResponsesApi.Synthetic(100, tokensPerSecond: 10));
        await tenant.WaitForStatusAsync(id, "in_progress");
        var (playwright, browser) = await DashboardServer.LaunchChromiumAsync();
        using (playwright)
        await using (browser)
        {
            await using var dashboard = await DashboardPage.OpenAsync(browser, cluster.NodeA.BaseAddress);
            var page = dashboard.Page;
            var row = page.Locator($"#responses tr[data-id='{id}']");
            await Assertions.Expect(row.Locator("td[data-field=node]")).ToHaveTextAsync("node-b ↗", new() { Timeout = DashboardPage.Bound });
            await Assertions.Expect(row.Locator("td[data-field=status]")).ToHaveTextAsync("in_progress", new() { Timeout = DashboardPage.Bound });
            await row.ClickAsync();
            await Assertions.Expect(page.Locator("#detail-follow")).ToHaveTextAsync("following live…", new() { Timeout = DashboardPage.Bound });
            await dashboard.ScreenshotAsync("detail-other-node");

            await Assertions.Expect(page.Locator("#events tr[data-type='response.completed']")).ToHaveCountAsync(1, new() { Timeout = DashboardPage.Bound });
            var frames = await tenant.ReadAllEventsAsync(id);
            var shown = await page.Locator("#events tr[data-seq]").EvaluateAllAsync<long[]>("rows => rows.map(tr => Number(tr.dataset.seq))");
            Assert.Equal(frames.Select(f => f.SequenceNumber), shown);
            await Assertions.Expect(row.Locator("td[data-field=status]")).ToHaveTextAsync("completed", new() { Timeout = DashboardPage.Bound });
            await Assertions.Expect(page.Locator("#events tr[data-seq]:not(.durable)")).ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });

            Assert.Empty(dashboard.Errors);
        }
    }
}
