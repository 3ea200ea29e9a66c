using System.Text.Json;
using Microsoft.Playwright;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.System.Tests.Dashboard;

/// <summary>
/// The operator dashboard in a real browser against a real server with an admin key: the list is pushed live, the
/// detail view replays and follows a response, cancel works from the page, and the console stays clean.
/// </summary>
public class DashboardTests(DashboardServer server, ITestOutputHelper output) : IClassFixture<DashboardServer>
{
    private static readonly LocatorAssertionsToHaveTextOptions Waiting = new() { Timeout = DashboardPage.Bound };

    [Fact]
    public async Task List_NewResponse_AppearsRunningAndTurnsCompletedWithoutReload()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        var page = dashboard.Page;

        // A page that reloaded would lose this.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        using var client = server.Client();

        // Paced so that it runs for a while: the list shows it running before it shows it completed.
        var id = await client.CreateBackgroundAsync("dashboard list", ResponsesApi.Synthetic(100, tokensPerSecond: 10));
        await Assertions.Expect(dashboard.StatusOf(id)).ToHaveTextAsync("in_progress", Waiting);
        await Assertions.Expect(page.Locator($"#responses tr[data-id='{id}'] td[data-field=tenant]")).ToHaveTextAsync("tenant-a", Waiting);
        await dashboard.ScreenshotAsync("list-running");

        await Assertions.Expect(dashboard.StatusOf(id)).ToHaveTextAsync("completed", Waiting);
        var events = (await client.ReadAllEventsAsync(id)).Count;
        await Assertions.Expect(page.Locator($"#responses tr[data-id='{id}'] td[data-field=events]")).ToHaveTextAsync(events.ToString(global::System.Globalization.CultureInfo.InvariantCulture), Waiting);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await dashboard.ScreenshotAsync("list");

        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task Detail_RunningResponse_ShowsEveryEventInOrderAndFollowsItToTheEnd()
    {
        using var client = server.Client();
        var id = await client.CreateBackgroundAsync("dashboard detail", ResponsesApi.Synthetic(120, tokensPerSecond: 10));
        await client.WaitForStatusAsync(id, "in_progress");

        await using var dashboard = await DashboardPage.OpenAsync(server);
        var page = dashboard.Page;
        await page.Locator($"#responses tr[data-id='{id}']").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-id")).ToHaveTextAsync(id, Waiting);
        await Assertions.Expect(page.Locator("#detail-follow")).ToHaveTextAsync("following live…", Waiting);
        await dashboard.ScreenshotAsync("detail-running");

        await Assertions.Expect(page.Locator("#events tr[data-type='response.completed']")).ToHaveCountAsync(1, new() { Timeout = DashboardPage.Bound });
        await Assertions.Expect(page.Locator("#detail-follow")).ToHaveTextAsync("ended", Waiting);
        await Assertions.Expect(page.Locator("#detail-status")).ToHaveTextAsync("completed", Waiting);

        var frames = await client.ReadAllEventsAsync(id);
        var shown = await page.EvaluateAsync<JsonElement>(
            "() => [...document.querySelectorAll('#events tr[data-seq]')].map(tr => ({ seq: Number(tr.dataset.seq), type: tr.dataset.type, bytes: Number(tr.querySelector('[data-field=bytes]').textContent), time: tr.querySelector('[data-field=time]').textContent }))");
        var rows = shown.EnumerateArray().ToList();
        Assert.Equal(frames.Select(f => f.SequenceNumber), rows.Select(r => r.GetProperty("seq").GetInt64()));
        Assert.Equal(frames.Select(f => f.Event), rows.Select(r => r.GetProperty("type").GetString()));
        Assert.Equal(frames.Select(f => (long)f.Raw.Length), rows.Select(r => r.GetProperty("bytes").GetInt64()));

        // It was still running when the page opened it: the last events arrived on the page live, not in the replay.
        var live = rows.Count(r => r.GetProperty("time").GetString() != "before opening");
        Assert.True(live > 0, "no event arrived live");
        Assert.Equal("before opening", rows[0].GetProperty("time").GetString());

        // Once committed, every event is marked durable (the durable cursor arrives through the feed).
        await Assertions.Expect(page.Locator("#events tr[data-seq]:not(.durable)")).ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });
        output.WriteLine($"{rows.Count} events shown, {live} of them received live");
        await dashboard.ScreenshotAsync("detail");

        Assert.Empty(dashboard.Errors);
    }

    [Fact]
    public async Task Cancel_FromTheDetailView_CancelsTheRunningResponse()
    {
        using var client = server.Client(TestKeys.TenantB);
        var id = await client.CreateBackgroundAsync("dashboard cancel", ResponsesApi.Synthetic(5_000, tokensPerSecond: 20));
        await client.WaitForStatusAsync(id, "in_progress");

        await using var dashboard = await DashboardPage.OpenAsync(server);
        var page = dashboard.Page;
        await page.GotoAsync(new Uri(server.Server.BaseAddress, $"dashboard/#/responses/{id}").ToString());
        await Assertions.Expect(page.Locator("#detail-follow")).ToHaveTextAsync("following live…", Waiting);
        await page.Locator("#cancel").ClickAsync();

        await client.WaitForStatusAsync(id, "cancelled");
        await Assertions.Expect(page.Locator("#detail-status")).ToHaveTextAsync("cancelled", Waiting);
        await Assertions.Expect(page.Locator("#events tr[data-type='response.incomplete']")).ToHaveCountAsync(1, new() { Timeout = DashboardPage.Bound });
        await Assertions.Expect(page.Locator("#detail-result")).ToHaveTextAsync("cancel: status cancelled", Waiting);
        var response = await client.GetJsonAsync($"v1/responses/{id}");
        Assert.Equal("cancelled", response.GetProperty("incomplete_details").GetProperty("reason").GetString());
        await dashboard.ScreenshotAsync("detail-cancelled");

        Assert.Empty(dashboard.Errors);
    }
    [Fact]
    public async Task List_ResponsesOfSeveralTenants_ShowTheirStatusesAndFilterByStatusAndTenant()
    {
        using var tenantA = server.Client(TestKeys.TenantA);
        using var tenantB = server.Client(TestKeys.TenantB);
        var completed = await tenantA.CreateBackgroundAsync("overview completed", ResponsesApi.Synthetic(40));
        var failed = await tenantB.CreateBackgroundAsync("overview failed", ResponsesApi.Synthetic(40, failAt: 10));
        var cancelled = await tenantA.CreateBackgroundAsync("overview cancelled", ResponsesApi.Synthetic(5_000, tokensPerSecond: 20));
        var running = await tenantB.CreateBackgroundAsync("overview running", ResponsesApi.Synthetic(5_000, tokensPerSecond: 20));
        await tenantA.WaitForTerminalAsync(completed);
        await tenantB.WaitForTerminalAsync(failed);
        await tenantA.WaitForStatusAsync(cancelled, "in_progress");
        await tenantA.PostAsync($"v1/responses/{cancelled}/cancel", null);
        await tenantB.WaitForStatusAsync(running, "in_progress");
        try
        {
            await using var dashboard = await DashboardPage.OpenAsync(server);
            var page = dashboard.Page;
            foreach (var (id, status) in new[] { (completed, "completed"), (failed, "failed"), (cancelled, "cancelled"), (running, "in_progress") })
            {
                await Assertions.Expect(dashboard.StatusOf(id)).ToHaveTextAsync(status, Waiting);
            }

            await page.Locator("#filter-status").SelectOptionAsync("failed");

            // Waits for the list to be drawn again: the rows drawn before the filter would satisfy any other wait.
            await Assertions.Expect(dashboard.StatusOf(completed)).ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });
            Assert.All(await page.Locator("#responses td[data-field=status]").AllTextContentsAsync(), s => Assert.Equal("failed", s));
            Assert.Contains(failed, await page.Locator("#responses td[data-field=id]").AllTextContentsAsync());

            await page.Locator("#filter-status").SelectOptionAsync("");
            await page.Locator("#filter-tenant").SelectOptionAsync("tenant-b");
            await Assertions.Expect(dashboard.StatusOf(completed)).ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });
            Assert.All(await page.Locator("#responses td[data-field=tenant]").AllTextContentsAsync(), t => Assert.Equal("tenant-b", t));
            Assert.Contains(running, await page.Locator("#responses td[data-field=id]").AllTextContentsAsync());

            // Every health panel has drawn a chart from the server's figures by now (a rate needs two scrapes).
            await page.Locator("#filter-tenant").SelectOptionAsync("");
            await Assertions.Expect(page.Locator("#health .panel-body")).Not.ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });
            await Assertions.Expect(page.Locator("#health .panel-body", new() { HasTextString = "waiting for data" })).ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });

            // The server serves /metrics, so every panel finds its series there and draws it.
            await Assertions.Expect(page.Locator("#health .panel")).ToHaveCountAsync(10, new() { Timeout = DashboardPage.Bound });
            await Assertions.Expect(page.Locator("#health .panel svg.chart")).ToHaveCountAsync(10, new() { Timeout = DashboardPage.Bound });
            Assert.Empty(await page.Locator("#health .panel-body", new() { HasTextString = "no series" }).AllInnerTextsAsync());
            await Assertions.Expect(page.Locator("#health [data-panel=ttft] .caption")).ToHaveTextAsync(new global::System.Text.RegularExpressions.Regex("^since start: [1-9][0-9]* · p50 [0-9.]+ (µs|ms|s) "), Waiting);
            output.WriteLine(string.Join(" | ", await page.Locator("#health .panel").AllInnerTextsAsync()).ReplaceLineEndings(" "));

            // The overview's screenshot (the README's) once the charts have a few scrapes to show.
            await page.WaitForFunctionAsync("() => Number(document.querySelector('#health').dataset.samples) >= 6", null, new() { Timeout = DashboardPage.Bound });
            await dashboard.ScreenshotAsync("overview");

            Assert.Empty(dashboard.Errors);
        }
        finally
        {
            await tenantB.PostAsync($"v1/responses/{running}/cancel", null);
        }
    }
    [Fact]
    public async Task Delete_FromTheDetailView_DeletesTheResponseAndItLeavesTheList()
    {
        using var client = server.Client();
        var id = await client.CreateBackgroundAsync("dashboard delete", ResponsesApi.Synthetic(10));
        await client.WaitForTerminalAsync(id);

        await using var dashboard = await DashboardPage.OpenAsync(server);
        var page = dashboard.Page;
        await page.Locator($"#responses tr[data-id='{id}']").ClickAsync();
        await Assertions.Expect(page.Locator("#detail-follow")).ToHaveTextAsync("ended", Waiting);

        // The first click only arms the button: a stray click sends no request and deletes nothing.
        var deletes = new global::System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "DELETE")
            {
                deletes.Enqueue(request.Url);
            }
        };
        await page.Locator("#delete").ClickAsync();
        await Assertions.Expect(page.Locator("#delete")).ToHaveTextAsync("Confirm delete", Waiting);
        Assert.Empty(deletes);
        Assert.Equal(global::System.Net.HttpStatusCode.OK, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        await page.Locator("#delete").ClickAsync();

        await Assertions.Expect(page.Locator("body")).ToHaveAttributeAsync("data-view", "list", new() { Timeout = DashboardPage.Bound });
        await Assertions.Expect(dashboard.StatusOf(id)).ToHaveCountAsync(0, new() { Timeout = DashboardPage.Bound });
        Assert.Equal(global::System.Net.HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.Single(deletes);

        Assert.Empty(dashboard.Errors);
    }
    [Fact]
    public async Task MetricsParser_ToleratesUnknownLinesScopeLabelsAndEscapes_AndReadsHistograms()
    {
        await using var dashboard = await DashboardPage.OpenAsync(server);
        const string Text = """
            # HELP resumable_queue_depth Responses waiting for a worker.
            # TYPE resumable_queue_depth gauge
            resumable_queue_depth{otel_scope_name="Resumable",otel_scope_version=""} 3
            # a comment the parser does not know
            some garbage line without a value
            resumable_tokens_total{otel_scope_name="Resumable",model="a \"quoted\" name, with comma"} 5 1733550000000
            resumable_tokens_total{otel_scope_name="Resumable",model="b"} 7
            resumable_wal_commit_duration_seconds_bucket{otel_scope_name="Resumable",le="0.001"} 2
            resumable_wal_commit_duration_seconds_bucket{otel_scope_name="Resumable",le="0.01"} 6
            resumable_wal_commit_duration_seconds_bucket{otel_scope_name="Resumable",le="+Inf"} 10
            resumable_wal_commit_duration_seconds_sum{otel_scope_name="Resumable"} 0.5
            resumable_wal_commit_duration_seconds_count{otel_scope_name="Resumable"} 10
            # EOF
            """;
        var result = await dashboard.Page.EvaluateAsync<JsonElement>(
            """
            async (text) => {
              const m = await import('./prometheus.js');
              const parsed = m.parsePrometheus(text);
              const hist = m.histogram(parsed, 'resumable_wal_commit_duration_seconds');
              return {
                queue: m.total(parsed, 'resumable_queue_depth'),
                tokens: m.total(parsed, 'resumable_tokens_total'),
                quoted: parsed.samples.get('resumable_tokens_total')[0].labels.model,
                type: parsed.types.get('resumable_queue_depth'),
                missing: m.total(parsed, 'resumable_no_such_series'),
                count: hist.count,
                p50: m.quantile(hist, 0.5),
                p90: m.quantile(hist, 0.9),
              };
            }
            """, Text);

        Assert.Equal(3, result.GetProperty("queue").GetDouble());
        Assert.Equal(12, result.GetProperty("tokens").GetDouble());
        Assert.Equal("a \"quoted\" name, with comma", result.GetProperty("quoted").GetString());
        Assert.Equal("gauge", result.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("missing").ValueKind);
        Assert.Equal(10, result.GetProperty("count").GetDouble());

        // Prometheus's interpolation: rank 5 of 10 lies 3/4 into the (0.001, 0.01] bucket; rank 9 in +Inf reports its lower bound.
        Assert.Equal(0.001 + (0.009 * 0.75), result.GetProperty("p50").GetDouble(), 9);
        Assert.Equal(0.01, result.GetProperty("p90").GetDouble(), 9);
        Assert.Empty(dashboard.Errors);
    }
    [Fact]
    public async Task Detail_OfAResponseOverFiveThousandEvents_ShowsTheLatestFiveThousandInOrder()
    {
        using var client = server.Client();
        var id = await client.CreateBackgroundAsync("dashboard long", ResponsesApi.Synthetic(6_000));
        await client.WaitForTerminalAsync(id);
        var frames = await client.ReadAllEventsAsync(id);

        await using var dashboard = await DashboardPage.OpenAsync(server);
        var page = dashboard.Page;
        await page.GotoAsync(new Uri(server.Server.BaseAddress, $"dashboard/#/responses/{id}").ToString());
        await Assertions.Expect(page.Locator("#detail-follow")).ToHaveTextAsync("ended", Waiting);

        var shown = await page.Locator("#events tr[data-seq]").EvaluateAllAsync<long[]>("rows => rows.map(tr => Number(tr.dataset.seq))");
        Assert.Equal(frames.TakeLast(5_000).Select(f => f.SequenceNumber), shown);
        await Assertions.Expect(page.Locator("#detail-meta")).ToContainTextAsync($"{frames.Count} events (the latest 5000 shown)", new() { Timeout = DashboardPage.Bound });
        Assert.Empty(dashboard.Errors);
    }
}
