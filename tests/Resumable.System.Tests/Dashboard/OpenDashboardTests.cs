using Microsoft.Playwright;
using Resumable.Testing;

namespace Resumable.System.Tests.Dashboard;

/// <summary>The dashboard of a service without keys: no key is asked for, and the list and the detail work.</summary>
public class OpenDashboardTests(OpenDashboardServer server) : IClassFixture<OpenDashboardServer>
{
    [Fact]
    public async Task Dashboard_OfAnOpenService_AsksForNoKeyAndShowsAResponseToItsEnd()
    {
        using var client = new HttpClient { BaseAddress = server.Server.BaseAddress };
        var id = await client.CreateBackgroundAsync("open dashboard", ResponsesApi.Synthetic(20));
        await client.WaitForTerminalAsync(id);

        // Never shown: OpenAsync fills in no key and checks the prompt is hidden once the feed is live.
        await using var dashboard = await DashboardPage.OpenAsync(server);
        var page = dashboard.Page;
        await Assertions.Expect(dashboard.StatusOf(id)).ToHaveTextAsync("completed", new() { Timeout = DashboardPage.Bound });
        await page.Locator($"#responses tr[data-id='{id}']").ClickAsync();
        await Assertions.Expect(page.Locator("#events tr[data-seq]")).ToHaveCountAsync((await client.ReadAllEventsAsync(id)).Count, new() { Timeout = DashboardPage.Bound });
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('resumable.adminKey')"));
        await Assertions.Expect(page.Locator("#forget-key")).ToBeHiddenAsync();

        Assert.Empty(dashboard.Errors);
    }
}
