using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary><c>resumable get</c>, <c>cancel</c> and <c>delete</c> against a real server.</summary>
public class LifecycleCommandsTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Get_PrintsTheResponseObjectAsJson()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Fetched by the command line", ResponsesApi.Synthetic(10));
        var done = await server.Tenant.WaitForTerminalAsync(id);

        var result = await server.RunAsync("get", id);

        Assert.True(result.ExitCode == 0, result.ToString());
        var printed = global::System.Text.Json.JsonDocument.Parse(result.StdOut).RootElement;
        Assert.Equal(id, printed.GetProperty("id").GetString());
        Assert.Equal(ResponsesApi.OutputText(done), ResponsesApi.OutputText(printed));
    }

    [Fact]
    public async Task Cancel_RunningResponse_EndsItCancelled()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Cancelled by the command line", ResponsesApi.Synthetic(100_000, tokensPerSecond: 20));
        await server.Tenant.WaitForStatusAsync(id, "in_progress");

        var result = await server.RunAsync("cancel", id);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{id} cancelled\n", result.StdOut);
        Assert.Equal("cancelled", (await server.Tenant.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Delete_RemovesTheResponse()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Deleted by the command line", ResponsesApi.Synthetic(100_000, tokensPerSecond: 20));
        await server.Tenant.WaitForStatusAsync(id, "in_progress");

        var result = await server.RunAsync("delete", id);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{id} deleted\n", result.StdOut);
        Assert.Equal(global::System.Net.HttpStatusCode.NotFound, (await server.Tenant.GetAsync($"v1/responses/{id}")).StatusCode);
    }
}
