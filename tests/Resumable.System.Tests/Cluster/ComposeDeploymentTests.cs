using System.Diagnostics;
using System.Text.Json;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.System.Tests.Cluster;

/// <summary>
/// The real <c>docker-compose.yml</c>: Redis, two nodes built by the real <c>Dockerfile</c> and nginx with
/// <c>deploy/nginx.conf</c>, brought up with <c>docker-compose up</c>, one stream resumed through the other node, and
/// taken down again. Images come from the environment (local ones here, the standard public ones elsewhere).
/// </summary>
public class ComposeDeploymentTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ComposeBound = TimeSpan.FromMinutes(5);

    [DockerFact]
    public async Task ComposeUp_StreamThroughItsNginx_ResumesOnTheOtherNode_ThenComposeDown()
    {
        DockerEnvironment.ThrowIfUnavailable();
        await EnsurePublishedAsync();
        var project = $"{DockerEnvironment.ComposeProjectPrefix}-{Guid.NewGuid():N}"[..32];
        var port = FreeTcpPort.Next();
        var environment = new Dictionary<string, string>
        {
            ["REDIS_IMAGE"] = DockerEnvironment.RedisImage,
            ["NGINX_IMAGE"] = DockerEnvironment.NginxImage,
            ["DOTNET_RUNTIME_IMAGE"] = DockerEnvironment.RuntimeImage,
            ["RESUMABLE_PORT"] = port.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            await RunAsync("docker-compose", ["-p", project, "-f", "docker-compose.yml", "up", "-d", "--build"], environment);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };

            // Both nodes answer through nginx (it takes turns), each connected to Redis (which may have started after them).
            var ready = new HashSet<string>();
            await Eventually.UntilAsync(
                async () =>
                {
                    try
                    {
                        using var health = await client.GetAsync("readyz");
                        var report = await health.Content.ReadAsStringAsync();
                        if (health.IsSuccessStatusCode && health.Headers.TryGetValues("x-resumable-node", out var node)
                            && JsonDocument.Parse(report).RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString() == "Healthy")
                        {
                            ready.Add(node.Single());
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException)
                    {
                    }

                    return ready.SetEquals(["node-a", "node-b"]);
                },
                "both nodes to be ready and connected to Redis through nginx",
                bound: TimeSpan.FromMinutes(2));

            var outcome = await CrossNodeResume.RunAsync(client, "through the compose deployment", 10, ResponsesApi.Synthetic(80, tokensPerSecond: 200));
            Assert.NotEqual(outcome.Owner, outcome.RelayedBy);
            var (seen, rest) = (outcome.BeforeCut, outcome.AfterCut);
            Assert.Equal("response.completed", rest[^1].Event);
            Assert.Equal(Enumerable.Range(0, seen.Count + rest.Count).Select(i => (long)i), seen.Concat(rest).Select(f => f.SequenceNumber));
            Assert.Equal(ResponsesApi.RawBytes(await client.ReadAllEventsAsync(outcome.Id)), ResponsesApi.RawBytes(seen.Concat(rest)));
        }
        finally
        {
            // What the deployment said, for a failure's report.
            await RunAsync("docker-compose", ["-p", project, "-f", "docker-compose.yml", "logs", "--no-color", "--tail", "40"], environment);
            await RunAsync("docker-compose", ["-p", project, "-f", "docker-compose.yml", "down", "-v"], environment);
        }
    }

    // The Dockerfile copies the published server; scripts/test.sh publishes it, a lone run of this test does.
    private async Task EnsurePublishedAsync()
    {
        if (!File.Exists(Path.Combine(RepositoryPaths.Root, "artifacts", "server", "Resumable.Server.dll")))
        {
            await RunAsync("dotnet", ["publish", "src/Resumable.Server", "-c", "Release", "-o", "artifacts/server", "-nologo"], new Dictionary<string, string>());
        }
    }

    private async Task RunAsync(string command, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(ComposeBound);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {ComposeBound}.");
        }

        var printed = await stdout + await stderr;
        output.WriteLine($"$ {command} {string.Join(' ', arguments)}\n{printed}");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{printed}");
        }
    }
}
