using System.Text.RegularExpressions;
using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary><c>resumable bench</c>: a small bounded load and its table.</summary>
public class BenchCommandTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Bench_SmallBoundedLoad_RunsEveryResponseAndPrintsItsTable()
    {
        var result = await server.RunAsync("bench", "--responses", "20", "--concurrency", "4", "--tokens", "20", "--tokens-per-second", "0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(new Regex(@"responses\W+20\W", RegexOptions.Multiline), result.StdOut);
        Assert.Matches(new Regex(@"completed\W+20\W", RegexOptions.Multiline), result.StdOut);
        Assert.Matches(new Regex(@"errors\W+0\W", RegexOptions.Multiline), result.StdOut);
        Assert.Contains("time to first event p99 (ms)", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("inter-event latency p99 (ms)", result.StdOut, StringComparison.Ordinal);

        // Every response it reported is one the server ran to completion.
        var listed = await server.Admin.GetJsonAsync("admin/responses?limit=100&status=completed");
        Assert.Equal(20, listed.GetProperty("data").GetArrayLength());

        var events = long.Parse(Regex.Match(result.StdOut, @"events\W+(\d+)").Groups[1].Value, global::System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(listed.GetProperty("data").EnumerateArray().Sum(r => r.GetProperty("events").GetInt64()), events);
    }
}
