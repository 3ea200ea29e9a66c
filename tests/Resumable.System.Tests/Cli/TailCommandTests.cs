using System.Text.RegularExpressions;
using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary><c>resumable tail</c>: follows a response and resumes by itself after a cut connection.</summary>
public class TailCommandTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Tail_ConnectionCutMidStream_ResumesWithLastEventIdAndPrintsTheTextOnceAndWhole()
    {
        // 150 tokens at 25 per second run for about six seconds; the proxy cuts the stream after 6,000 bytes, a few
        // deltas past the opening events (about 2,600 bytes), so the cut lands inside the stream.
        var id = await server.Tenant.CreateBackgroundAsync("Tail through a cutting proxy", ResponsesApi.Synthetic(150, tokensPerSecond: 25));
        await using var proxy = new CuttingTcpProxy(server.Server.BaseAddress, cutAfterBytes: 6_000);

        var result = await CliProcess.RunAsync(
            ["tail", id],
            new Dictionary<string, string> { ["RESUMABLE_URL"] = proxy.BaseAddress.ToString(), ["RESUMABLE_API_KEY"] = TestKeys.TenantA });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(proxy.HasCut, "the proxy never cut the stream");
        var notice = Regex.Match(result.StdErr, @"connection lost after event (\d+); resuming");
        Assert.True(notice.Success, result.ToString());
        Assert.Equal([null, notice.Groups[1].Value], proxy.LastEventIds);

        var response = await server.Tenant.WaitForTerminalAsync(id);
        Assert.Equal("completed", response.GetProperty("status").GetString());
        Assert.Equal(ResponsesApi.OutputText(response) + "\n", result.StdOut);
    }

    [Fact]
    public async Task Tail_After_PrintsOnlyTheTextOfLaterEvents()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Tail after a cursor", ResponsesApi.Synthetic(30));
        await server.Tenant.WaitForTerminalAsync(id);
        var frames = await server.Tenant.ReadAllEventsAsync(id);
        var cursor = frames.First(f => f.Event == "response.output_text.delta").SequenceNumber + 9;

        var result = await server.RunAsync("tail", id, "--after", cursor.ToString(global::System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ResponsesApi.DeltaText(frames.Where(f => f.SequenceNumber > cursor)) + "\n", result.StdOut);
    }

    [Fact]
    public async Task Tail_ResponseThatFailed_ExitsOneAndSaysWhy()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Tail a failing response", ResponsesApi.Synthetic(30, failAt: 10));

        var result = await server.RunAsync("tail", id);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("ended failed", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("generator_failed", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tail_ServerUnreachable_GivesUpAfterItsRetriesWithExitFive()
    {
        var port = FreeTcpPort.Next();

        var result = await CliProcess.RunAsync(["tail", "resp_00000000000000000000000000000000", "--retries", "2", "--url", $"http://127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Equal(2, result.StdErr.Split('\n').Count(l => l == "connection lost before the first event; resuming"));
        Assert.Contains("gave up after 2 attempts to resume", result.StdErr, StringComparison.Ordinal);
    }
}
