using System.Net;
using System.Net.Sockets;
using System.Text;
using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary>The exit codes scripts rely on, and what the client says on stderr when the server refuses.</summary>
public class ExitCodeTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task MissingResponse_ExitsThreeWithTheServersMessageAndRequestId()
    {
        var result = await server.RunAsync("get", "resp_00000000000000000000000000000000");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("resp_00000000000000000000000000000000", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not found", result.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("HTTP 404", result.StdErr, StringComparison.Ordinal);
        Assert.Matches(@"request id req_[0-9a-f]{32}\)", result.StdErr);
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

    [Fact]
    public async Task ServerError_PrintsTheServersMessageAndRequestId_AndExitsFive()
    {
        // A stand-in for a node behind a proxy that tags requests: one canned 503 in the OpenAI error shape.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var answering = AnswerOnceAsync(listener);

        var result = await CliProcess.RunAsync(["get", "resp_00000000000000000000000000000000", "--url", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"]);
        await answering;

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.Contains("error: The write-ahead log cannot persist. (HTTP 503, request id req-7f3a)", result.StdErr, StringComparison.Ordinal);
    }

    private static async Task AnswerOnceAsync(TcpListener listener)
    {
        using var timeout = new CancellationTokenSource(Eventually.HangBound);
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var body = """{"error":{"message":"The write-ahead log cannot persist.","type":"server_error","param":null,"code":"storage_unavailable"}}""";
        var answer = $"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nx-request-id: req-7f3a\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), timeout.Token);
    }
}
