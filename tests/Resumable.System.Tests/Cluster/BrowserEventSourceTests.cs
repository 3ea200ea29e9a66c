using System.Text.Json;
using Microsoft.Playwright;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.System.Tests.Cluster;

/// <summary>
/// A real browser (Debian's Chromium, driven by Playwright) reads a stream with its own <c>EventSource</c> through
/// nginx in front of two nodes; a TCP proxy between the browser and nginx cuts the stream mid-way, and the browser
/// reconnects by itself with <c>Last-Event-ID</c>, landing on whichever node nginx picks.
/// </summary>
public class BrowserEventSourceTests(OpenNginxCluster cluster, ITestOutputHelper output) : IClassFixture<OpenNginxCluster>
{
    private const string Chromium = "/usr/bin/chromium";

    // Reads one response with the page's EventSource until its terminal event; resolves with what arrived.
    private const string ReadStream = """
        (id) => new Promise((resolve, reject) => {
          const types = ['response.created', 'response.queued', 'response.in_progress', 'response.output_item.added',
            'response.content_part.added', 'response.output_text.delta', 'response.output_text.done',
            'response.content_part.done', 'response.output_item.done', 'response.completed', 'response.failed',
            'response.incomplete'];
          const terminal = ['response.completed', 'response.failed', 'response.incomplete'];
          const sequence = [];
          let text = '';
          const seenAtErrors = [];
          const source = new EventSource(`/v1/responses/${id}?stream=true`);
          const timer = setTimeout(() => { source.close(); reject(new Error(`no terminal event after ${sequence.length} events`)); }, 60000);
          const onEvent = (e) => {
            const data = JSON.parse(e.data);
            sequence.push(Number(e.lastEventId));
            if (data.type === 'response.output_text.delta') text += data.delta;
            if (terminal.includes(data.type)) { clearTimeout(timer); source.close(); resolve({ sequence, text, seenAtErrors, status: data.response.status }); }
          };
          for (const type of types) source.addEventListener(type, onEvent);
          source.onerror = () => { seenAtErrors.push(sequence.length); };
        })
        """;

    [Theory]
    [InlineData(2_500)]
    [InlineData(6_000)]
    public async Task BrowserEventSource_CutThroughNginx_ReconnectsWithLastEventIdAndGetsEveryEventOnce(int cutAfterBytes)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (scripts/test.sh does, as root).");
        using var client = cluster.Client();
        var id = await client.CreateBackgroundAsync($"a browser through nginx, cut after {cutAfterBytes} bytes", ResponsesApi.Synthetic(80, tokensPerSecond: 100));
        await using var proxy = new CuttingTcpProxy(cluster.Nginx.BaseAddress, cutAfterBytes);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,

            // As root, and on a machine whose network is closed: no sandbox, no GPU, no background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.PageError += (_, error) => console.Add($"page error: {error}");

        // Any page of the same origin will do: the EventSource then needs no CORS.
        await page.GotoAsync(new Uri(proxy.BaseAddress, "healthz").ToString());
        var result = await page.EvaluateAsync<JsonElement>(ReadStream, id);
        output.WriteLine($"console: {string.Join(" | ", console)}; Last-Event-ID per stream request: {string.Join(", ", proxy.LastEventIds.Select(v => v ?? "none"))}");

        var sequence = result.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.True(proxy.HasCut, "the stream was never cut");
        var seenAtCut = result.GetProperty("seenAtErrors").EnumerateArray().Select(e => e.GetInt32()).FirstOrDefault(-1);
        Assert.True(seenAtCut >= 0, "the browser never saw the cut");
        Assert.Equal(Enumerable.Range(0, sequence.Count).Select(i => (long)i), sequence);
        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal(ResponsesApi.OutputText(await client.GetJsonAsync($"v1/responses/{id}")), result.GetProperty("text").GetString());

        // The first request had no cursor; the reconnection sent the id of the last event the browser had when the
        // connection broke (none, when the cut came before its first whole event).
        var cursors = proxy.LastEventIds;
        Assert.True(cursors.Count >= 2, "the browser never reconnected");
        Assert.Null(cursors[0]);
        Assert.Equal(seenAtCut == 0 ? null : sequence[seenAtCut - 1].ToString(global::System.Globalization.CultureInfo.InvariantCulture), cursors[1]);
    }
}
