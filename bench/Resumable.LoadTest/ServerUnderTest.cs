using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Resumable.LoadTest;

/// <summary>The real server as a child process on a free loopback port, with its own log directory.</summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    public const string TenantKey = "sk-loadtest-tenant-0001";
    public const string AdminKey = "sk-loadtest-admin-0002";

    private readonly Process _process;
    private readonly string _dataDirectory;

    private ServerUnderTest(Process process, int port, int http2Port, string dataDirectory)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Http2Address = new Uri($"http://127.0.0.1:{http2Port}/");
    }

    /// <summary>The HTTP/1.1 endpoint.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A second endpoint that speaks only HTTP/2 without TLS (h2c with prior knowledge): many streams per connection.</summary>
    public Uri Http2Address { get; }

    public static Task<ServerUnderTest> StartAsync(string durability, params string[] extraSettings) =>
        StartAsync(durability, FreePort(), withKeys: true, extraSettings);

    /// <summary>
    /// Starts the server on <paramref name="port"/> (a node that others reach must know its own address before it
    /// starts). Without keys it runs open: every caller is tenant <c>default</c>, the admin routes included.
    /// </summary>
    public static async Task<ServerUnderTest> StartAsync(string durability, int port, bool withKeys, IEnumerable<string> extraSettings)
    {
        var http2Port = FreePort();
        var data = Path.Combine(Path.GetTempPath(), $"resumable-loadtest-{Guid.NewGuid():N}");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Resumable.Server.dll"));
        string[] keys = withKeys
            ? [$"--Resumable:Auth:Keys:0:Key={TenantKey}", "--Resumable:Auth:Keys:0:Tenant=load", $"--Resumable:Auth:AdminKey={AdminKey}"]
            : [];
        foreach (var setting in new[]
        {
            $"--Kestrel:Endpoints:Http:Url=http://127.0.0.1:{port}",
            $"--Kestrel:Endpoints:H2c:Url=http://127.0.0.1:{http2Port}",
            "--Kestrel:Endpoints:H2c:Protocols=Http2",
            $"--Resumable:Wal:Durability={durability}",
            $"--Resumable:Wal:Directory={data}",
            "--Resumable:Queue:Workers=512",
            "--Resumable:Queue:Capacity=10000",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(keys).Concat(extraSettings))
        {
            start.ArgumentList.Add(setting);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        // The first lines the server prints, to say why it did not start if it does not (a setting it refused).
        var firstLines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void Keep(object sender, DataReceivedEventArgs line)
        {
            if (line.Data is { } text && firstLines.Count < 40)
            {
                firstLines.Enqueue(text);
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerUnderTest(process, port, http2Port, data);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        for (var attempt = 0; attempt < 600 && !process.HasExited; attempt++)
        {
            try
            {
                if ((await client.GetAsync("healthz")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        var exit = process.HasExited ? $" (it exited with code {process.ExitCode})" : "";
        await server.DisposeAsync();
        throw new InvalidOperationException($"The server did not start{exit}:{Environment.NewLine}{string.Join(Environment.NewLine, firstLines)}");
    }

    public HttpClient CreateClient(string key)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 20_000, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A client that speaks HTTP/2 only, to <see cref="Http2Address"/>, opening more connections when one is full of streams.</summary>
    public HttpClient CreateHttp2Client(string key)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var client = new HttpClient(handler)
        {
            BaseAddress = Http2Address,
            Timeout = TimeSpan.FromMinutes(5),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The server process's resident memory in bytes (VmRSS from /proc).</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }

            return 0;
        }
    }

    /// <summary>CPU seconds the server process used so far (user + system, from the OS).</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
