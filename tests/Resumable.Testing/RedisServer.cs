using System.Globalization;
using System.Text.RegularExpressions;
using Testcontainers.Redis;

namespace Resumable.Testing;

/// <summary>
/// A real Redis in a container started through Testcontainers.Redis, published on a fixed free loopback port so that
/// it can be stopped and started again at the same address (a restart with no persistence: it comes back empty).
/// Disposing removes the container.
/// </summary>
public sealed partial class RedisServer : IAsyncDisposable
{
    private readonly RedisContainer _container;

    private RedisServer(RedisContainer container, int port)
    {
        _container = container;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a Redis container and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        DockerEnvironment.ThrowIfUnavailable();

        // No image registry is reachable, so the reaper's image cannot be pulled (each test removes its own
        // container instead), and the mapped port is reached on loopback.
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", Environment.GetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED") ?? "true");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE", Environment.GetEnvironmentVariable("TESTCONTAINERS_HOST_OVERRIDE") ?? "127.0.0.1");
        var port = FreeTcpPort.Next();
        var container = new RedisBuilder()
            .WithImage(DockerEnvironment.RedisImage)
            .WithPortBinding(port, RedisBuilder.RedisPort)
            .WithCommand("--save", "", "--appendonly", "no")
            .Build();
        await container.StartAsync();
        return new RedisServer(container, port);
    }

    /// <summary>Stops the container (Redis ends; what it held is lost).</summary>
    public Task StopAsync() => _container.StopAsync();

    /// <summary>Starts the stopped container again at the same address, empty, and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        await _container.StartAsync();
        await Eventually.UntilAsync(async () => (await ExecAsync("ping")).Contains("PONG", StringComparison.Ordinal), "Redis to answer PING again");
    }

    /// <summary>Runs <c>redis-cli</c> with <paramref name="arguments"/> in the container and returns what it printed.</summary>
    public async Task<string> ExecAsync(params string[] arguments)
    {
        var result = await _container.ExecAsync(["redis-cli", .. arguments]);
        return result.Stdout;
    }

    /// <summary>How many times each command ran, from <c>INFO commandstats</c>.</summary>
    public async Task<Dictionary<string, long>> CommandCallsAsync()
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match match in CommandStat().Matches(await ExecAsync("info", "commandstats")))
        {
            calls[match.Groups[1].Value] = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        }

        return calls;
    }

    public async ValueTask DisposeAsync() => await _container.DisposeAsync();

    [GeneratedRegex(@"cmdstat_([a-z|]+):calls=(\d+)")]
    private static partial Regex CommandStat();
}
