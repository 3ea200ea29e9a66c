using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary>Ctrl+C (SIGINT) while the client streams: exit code 130, and what it means for the response.</summary>
public class InterruptTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Tail_Interrupted_ExitsWith130AndLeavesTheBackgroundResponseRunning()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Tail interrupted", ResponsesApi.Synthetic(100_000, tokensPerSecond: 20));
        using var tail = RunningCliProcess.Start(["tail", id], server.Environment);
        await Eventually.UntilAsync(() => tail.StdOut.Length > 0, "the first text from tail");

        tail.Interrupt();
        var result = await tail.WaitAsync(Eventually.HangBound);

        Assert.True(result.ExitCode == 130, result.ToString());
        Assert.Contains("interrupted", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("in_progress", (await server.Tenant.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
        await server.Tenant.PostAsync($"v1/responses/{id}/cancel", null);
    }

    [Fact]
    public async Task Submit_Interrupted_ExitsWith130AndTheServerCancelsTheForegroundResponse()
    {
        using var submit = RunningCliProcess.Start(["submit", "Submit interrupted", "--tokens", "100000", "--tokens-per-second", "20"], server.Environment);
        await Eventually.UntilAsync(() => submit.StdOut.Length > 0, "the first text from submit");

        submit.Interrupt();
        var result = await submit.WaitAsync(Eventually.HangBound);

        Assert.True(result.ExitCode == 130, result.ToString());
        var list = await server.Tenant.GetJsonAsync("v1/responses?limit=100");
        var id = Assert.Single(list.GetProperty("data").EnumerateArray(), r => !r.GetProperty("background").GetBoolean()).GetProperty("id").GetString()!;
        await server.Tenant.WaitForStatusAsync(id, "cancelled");
    }
}
