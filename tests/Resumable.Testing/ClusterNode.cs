using System.Net.Http.Headers;

namespace Resumable.Testing;

/// <summary>
/// One node of a multi-node deployment as a real child process: its own write-ahead log directory and loopback port,
/// sharing a Redis with the others. It can be killed with SIGKILL and started again as the same node (same id, port
/// and log), which then recovers its log.
/// </summary>
public sealed class ClusterNode : IDisposable
{
    private readonly TempDirectory _directory;
    private readonly IReadOnlyDictionary<string, string> _extraSettings;
    private ServerProcess? _process;

    private readonly bool _open;

    private ClusterNode(string id, string redisConfiguration, IReadOnlyDictionary<string, string>? extraSettings, bool open)
    {
        _open = open;
        Id = id;
        RedisConfiguration = redisConfiguration;
        Port = FreeTcpPort.Next();
        _directory = new TempDirectory(id);
        _extraSettings = extraSettings ?? new Dictionary<string, string>();
    }

    /// <summary>The node id.</summary>
    public string Id { get; }

    /// <summary>The loopback port it listens on, the same across restarts.</summary>
    public int Port { get; }

    /// <summary>Its base address (also its internal URL).</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The Redis it shares.</summary>
    public string RedisConfiguration { get; }

    /// <summary>What the current process printed so far.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>
    /// Starts a node <paramref name="id"/> on <paramref name="redisConfiguration"/> and waits until it is healthy; with
    /// <paramref name="open"/> it has no API keys (a browser's EventSource cannot send one).
    /// </summary>
    public static async Task<ClusterNode> StartAsync(string id, string redisConfiguration, IReadOnlyDictionary<string, string>? extraSettings = null, bool open = false)
    {
        var node = new ClusterNode(id, redisConfiguration, extraSettings, open);
        await node.StartAgainAsync();
        return node;
    }

    /// <summary>The settings of a node: its log, Redis, identity, quick heartbeats, the test keys (unless open).</summary>
    public Dictionary<string, string> Settings()
    {
        var settings = new Dictionary<string, string>
        {
            ["Resumable:Wal:Directory"] = _directory.Path,
            ["Resumable:Redis:Configuration"] = RedisConfiguration,
            ["Resumable:Redis:ConnectTimeout"] = "00:00:02",
            ["Resumable:Redis:CommandTimeout"] = "00:00:01",
            ["Resumable:Node:Id"] = Id,
            ["Resumable:Node:InternalUrl"] = BaseAddress.ToString().TrimEnd('/'),
            ["Resumable:Node:HeartbeatInterval"] = "00:00:00.500",
            ["Resumable:Node:HeartbeatTtl"] = "00:00:03",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Resumable"] = "Information",
        };
        if (!_open)
        {
            foreach (var (key, value) in TestKeys.Settings)
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in _extraSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Starts the node (again, after <see cref="Kill"/>) at the same port with the same log, and waits until it is healthy.</summary>
    public async Task StartAgainAsync()
    {
        _process?.Dispose();
        (_process, _) = await ServerProcess.StartAsync(Settings(), port: Port);

        // Healthy is not enough: the node connects to Redis in the background and is found by the others once its
        // heartbeat is there, which /readyz reports.
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync(
            async () => (await (await client.GetAsync("readyz")).Content.ReadAsStringAsync()).Contains("\"redis\":{\"status\":\"Healthy\"", StringComparison.Ordinal),
            $"{Id} to be registered in Redis");
    }

    /// <summary>Freezes the node (SIGSTOP: hung, its port still accepts) or lets it run on (SIGCONT).</summary>
    public void Freeze(bool frozen = true) => _process?.Freeze(frozen);

    /// <summary>Ends the node at once with SIGKILL: no shutdown code runs, its heartbeat stays in Redis until it expires.</summary>
    public void Kill() => _process?.Kill();

    /// <summary>A client of this node with <paramref name="key"/>.</summary>
    public HttpClient Client(string key = TestKeys.TenantA)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public void Dispose()
    {
        _process?.Dispose();
        _directory.Dispose();
    }
}
