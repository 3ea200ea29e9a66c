using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Resumable.Testing;

/// <summary>
/// The real server composition (Program) on a real Kestrel listener on a free loopback port, with
/// settings injected through in-memory configuration. Defaults suit fast tests: two tenants and an
/// admin key, and an unpaced synthetic model with no time to first token.
/// </summary>
public sealed class ResumableAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new()
    {
        ["Resumable:Auth:Keys:0:Key"] = TestKeys.TenantA,
        ["Resumable:Auth:Keys:0:Tenant"] = "tenant-a",
        ["Resumable:Auth:Keys:1:Key"] = TestKeys.TenantB,
        ["Resumable:Auth:Keys:1:Tenant"] = "tenant-b",
        ["Resumable:Auth:AdminKey"] = TestKeys.Admin,
        ["Resumable:Synthetic:TimeToFirstTokenMs"] = "0",
        ["Resumable:Synthetic:TokensPerSecond"] = "0",
        ["Resumable:Synthetic:OutputTokens"] = "40",
        ["Resumable:Retention:SweepInterval"] = "00:00:00.050",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private readonly Action<IServiceCollection>? _configureServices;
    private readonly TempDirectory? _ownedDataDirectory;

    /// <summary>Creates a server with the test defaults (the one public constructor, as class fixtures need).</summary>
    public ResumableAppFactory()
        : this(null, null)
    {
    }

    private ResumableAppFactory(IDictionary<string, string?>? settings, Action<IServiceCollection>? configureServices)
    {
        // A null value removes a default instead of setting an empty value.
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                _settings.Remove(key);
            }
            else
            {
                _settings[key] = value;
            }
        }

        _configureServices = configureServices;
        if (!_settings.ContainsKey("Resumable:Wal:Directory"))
        {
            _ownedDataDirectory = new TempDirectory("wal");
            _settings["Resumable:Wal:Directory"] = _ownedDataDirectory.Path;
        }

        Port = FreeTcpPort.Next();
        Http2Port = FreeTcpPort.Next();
        UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, Port);
            options.Listen(IPAddress.Loopback, Http2Port, listen => listen.Protocols = HttpProtocols.Http2);
        });
    }

    /// <summary>Creates a server with the defaults overridden by <paramref name="settings"/> and services replaced by <paramref name="configureServices"/>.</summary>
    public static ResumableAppFactory Create(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null) =>
        new(settings, configureServices);

    /// <summary>The loopback port Kestrel listens on.</summary>
    public int Port { get; }

    /// <summary>A second loopback port that speaks only HTTP/2 without TLS (h2c with prior knowledge).</summary>
    public int Http2Port { get; }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Starts the server (idempotent) and returns an HTTP client for it with <paramref name="apiKey"/> as bearer.</summary>
    public HttpClient CreateApiClient(string? apiKey = TestKeys.TenantA)
    {
        StartServer();
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>
    /// Starts the server and returns a client that speaks only HTTP/2 to <see cref="Http2Port"/>, all its requests
    /// as streams of one connection.
    /// </summary>
    public HttpClient CreateHttp2ApiClient(string apiKey = TestKeys.TenantA)
    {
        StartServer();
        var client = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{Http2Port}/"),
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>The write-ahead log directory this server uses.</summary>
    public string WalDirectory => _settings["Resumable:Wal:Directory"]!;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _ownedDataDirectory?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(_settings));
        if (_configureServices is not null)
        {
            builder.ConfigureTestServices(_configureServices);
        }
    }
}
