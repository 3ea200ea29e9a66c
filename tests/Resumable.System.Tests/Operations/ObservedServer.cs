using Resumable.Testing;

namespace Resumable.System.Tests.Operations;

/// <summary>
/// A server process with tenant, admin and metrics keys, whose console log is JSON with scopes and includes the
/// service's Debug messages, so tests can read what it logged about each request.
/// </summary>
public sealed class ObservedServer : IAsyncLifetime
{
    /// <summary>The key that reads /metrics and nothing else.</summary>
    public const string MetricsKey = "sk-test-metrics-0004";

    private readonly TempDirectory _wal = new("observed-wal");
    private ServerProcess? _server;

    /// <summary>The running server.</summary>
    public ServerProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>A client of the server with <paramref name="key"/> as its bearer key (none when null).</summary>
    public HttpClient Client(string? key = TestKeys.TenantA) => Server.Client(key);

    public async Task InitializeAsync()
    {
        (_server, _) = await ServerProcess.StartAsync(new Dictionary<string, string>(TestKeys.Settings)
        {
            ["Resumable:Auth:MetricsKey"] = MetricsKey,
            ["Resumable:Wal:Directory"] = _wal.Path,
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
            ["Logging:LogLevel:Resumable"] = "Debug",
        });
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        _wal.Dispose();
        return Task.CompletedTask;
    }
}
