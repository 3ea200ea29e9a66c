using Microsoft.Playwright;
using Resumable.Testing;

namespace Resumable.System.Tests.Dashboard;

/// <summary>
/// The dashboard open in a fresh browser context (its own sessionStorage) at a laptop's size, with the admin key
/// entered through the page's prompt; every console error and page error is collected.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                lock (_errors)
                {
                    _errors.Add($"console {message.Type}: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add($"page error: {error}");
            }
        };
    }

    /// <summary>How long a wait for the page may take: only a hang reaches it.</summary>
    public static float Bound { get; } = (float)Eventually.HangBound.TotalMilliseconds;

    public IPage Page { get; }

    /// <summary>What the console reported as an error or a warning, and uncaught exceptions.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Opens <c>/dashboard</c>, enters the admin key in its prompt (unless the server is open), and waits until the feed is live.</summary>
    public static Task<DashboardPage> OpenAsync(DashboardServer server) => OpenAsync(server.Browser, server.Server.BaseAddress, server.Open);

    /// <summary>Opens <c>/dashboard</c> of the server at <paramref name="baseAddress"/> in <paramref name="browser"/>.</summary>
    public static async Task<DashboardPage> OpenAsync(IBrowser browser, Uri baseAddress, bool open = false)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        context.SetDefaultTimeout((float)Eventually.HangBound.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        await page.GotoAsync(new Uri(baseAddress, "dashboard").ToString());
        if (!open)
        {
            await page.Locator("#key-input").FillAsync(TestKeys.Admin);
            await page.Locator("#key-form button[type=submit]").ClickAsync();
        }

        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live", new() { Timeout = Bound });
        await Assertions.Expect(page.Locator("#key-dialog")).ToBeHiddenAsync(new() { Timeout = Bound });
        return dashboard;
    }

    /// <summary>The status cell of a response's row in the list.</summary>
    public ILocator StatusOf(string id) => Page.Locator($"#responses tr[data-id='{id}'] td[data-field=status]");

    /// <summary>Saves a screenshot of the whole page as <paramref name="name"/>.png in the results directory.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardServer.ScreenshotDirectory, name + ".png") });

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
