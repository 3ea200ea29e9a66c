using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary>The exit codes scripts rely on, and what the client says on stderr when the server refuses.</summary>
public class ExitCodeTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task MissingResponse_ExitsThreeWithTheServersMessage()
    {
        var result = await server.RunAsync("get", "resp_00000000000000000000000000000000");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("resp_00000000000000000000000000000000", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not found", result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HTTP 404", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadApiKey_ExitsFourWithTheServersMessage_AndNeverPrintsTheKey()
    {
        const string badKey = "sk-not-a-configured-key-7731";
        var result = await CliProcess.RunAsync(["get", "resp_00000000000000000000000000000000", "--url", server.Server.BaseAddress.ToString(), "--api-key", badKey]);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("API key", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(badKey, result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantKeyOnAnAdminCommand_ExitsFour_AndNeverPrintsTheKey()
    {
        var result = await CliProcess.RunAsync(["stats"], new Dictionary<string, string>
        {
            ["RESUMABLE_URL"] = server.Server.BaseAddress.ToString(),
            ["RESUMABLE_API_KEY"] = TestKeys.TenantA,
        });

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("admin key", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.TenantA, result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnparsableCommandLine_ExitsTwo()
    {
        var result = await server.RunAsync("ls", "--limit", "zero");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("zero", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreachableServer_ExitsFive()
    {
        var port = FreeTcpPort.Next();
        var result = await CliProcess.RunAsync(["get", "resp_00000000000000000000000000000000", "--url", $"http://127.0.0.1:{port}"]);

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains("could not be reached", result.StdErr, StringComparison.Ordinal);
    }
}
