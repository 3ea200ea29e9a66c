using Microsoft.Playwright;
using Resumable.Testing;

namespace Resumable.System.Tests.Dashboard;

/// <summary>
/// The real server as a child process with tenant keys and an admin key (so the page's key flow runs), and one
/// headless Chromium (Debian's, driven by Playwright) for the test class. Screenshots go to
/// <c>RESUMABLE_TEST_RESULTS</c> (default: <c>TestResults</c> at the repository root), under <c>dashboard/</c>.
/// </summary>
public class DashboardServer : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly TempDirectory _directory = new("dashboard");
    private ServerProcess? _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Whether the server runs without any key (then the page asks for none).</summary>
    public virtual bool Open => false;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public static string ScreenshotDirectory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("RESUMABLE_TEST_RESULTS") is { Length: > 0 } results ? results : Path.Combine(RepositoryPaths.Root, "TestResults"),
        "dashboard");

    public async Task InitializeAsync()
    {
        var settings = Open ? [] : new Dictionary<string, string>(TestKeys.Settings);
        settings["Resumable:Wal:Directory"] = Path.Combine(_directory.Path, "wal");

        (_server, _) = await ServerProcess.StartAsync(settings);
        (_playwright, _browser) = await LaunchChromiumAsync();
    }

    /// <summary>Debian's Chromium, headless, as root on a machine whose network is closed; the screenshot directory made.</summary>
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchChromiumAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (scripts/test.sh does, as root).");
        Directory.CreateDirectory(ScreenshotDirectory);
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new()
            {
                ExecutablePath = Chromium,
                Headless = true,

                // No sandbox (root), no GPU, no background connections.
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A client of the API with <paramref name="key"/>.</summary>
    public HttpClient Client(string key = TestKeys.TenantA) => Server.Client(key);

    public virtual async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        _server?.Dispose();
        _directory.Dispose();
    }
}
