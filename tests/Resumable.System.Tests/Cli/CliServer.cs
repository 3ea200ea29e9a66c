using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary>
/// A real server as a child process with a tenant key and an admin key, for one test class; the client reaches it
/// through the RESUMABLE_ environment variables (<see cref="Environment"/>), the tests through <see cref="Tenant"/> and
/// <see cref="Admin"/>.
/// </summary>
public sealed class CliServer : IAsyncLifetime
{
    public const string TenantName = "tenant-a";

    private readonly TempDirectory _directory = new("cli");
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("Not started.");

    public HttpClient Tenant { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    /// <summary>The variables that point the client at this server with the tenant and admin keys.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["RESUMABLE_URL"] = Server.BaseAddress.ToString(),
        ["RESUMABLE_API_KEY"] = TestKeys.TenantA,
        ["RESUMABLE_ADMIN_KEY"] = TestKeys.Admin,
    };

    /// <summary>Runs the client against this server.</summary>
    public Task<CliResult> RunAsync(params string[] args) => CliProcess.RunAsync(args, Environment);

    public async Task InitializeAsync()
    {
        (_server, _) = await ServerProcess.StartAsync(new Dictionary<string, string>(TestKeys.Settings)
        {
            ["Resumable:Wal:Directory"] = Path.Combine(_directory.Path, "wal"),
            ["Logging:LogLevel:Default"] = "Warning",
        });
        Tenant = _server.Client(TestKeys.TenantA, TimeSpan.FromSeconds(30));
        Admin = _server.Client(TestKeys.Admin, TimeSpan.FromSeconds(30));
    }

    public Task DisposeAsync()
    {
        Tenant?.Dispose();
        Admin?.Dispose();
        _server?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
