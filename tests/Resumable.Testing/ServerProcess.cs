using System.Diagnostics;
using System.Text;

namespace Resumable.Testing;

/// <summary>
/// The real server as a child process (<c>dotnet Resumable.Server.dll</c>) on a free loopback port, configured by
/// command-line settings, so crash tests can end it with SIGKILL. Disposing kills it if it still runs.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>A client of the server that sends <paramref name="key"/> as its bearer key (none when null).</summary>
    public HttpClient Client(string? key, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        return client;
    }

    /// <summary>What it printed so far (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the server with <paramref name="settings"/> (configuration keys) on <paramref name="port"/> (a free one
    /// when not given; a restarted node passes its old one) and waits until <c>/healthz</c> answers; returns how long that took.
    /// </summary>
    public static async Task<(ServerProcess Server, TimeSpan StartTime)> StartAsync(IDictionary<string, string> settings, TimeSpan? timeout = null, int? port = null)
    {
        var listenPort = port ?? FreeTcpPort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Resumable.Server.dll"));
        start.ArgumentList.Add($"--Urls=http://127.0.0.1:{listenPort}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var stopwatch = Stopwatch.StartNew();
        var server = new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."), listenPort);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Eventually.UntilAsync(() => IsHealthyAsync(server, client), "the server to become healthy", bound: timeout ?? TimeSpan.FromSeconds(60));
            return (server, stopwatch.Elapsed);
        }
        catch (TimeoutException)
        {
            server.Dispose();
            throw new TimeoutException($"The server did not become healthy:\n{server.Output}");
        }
    }

    private static async Task<bool> IsHealthyAsync(ServerProcess server, HttpClient client)
    {
        if (server._process.HasExited)
        {
            // Without a timeout this also waits until everything it printed has been read.
            server._process.WaitForExit();
            throw new InvalidOperationException($"The server exited with {server._process.ExitCode} during start-up:\n{server.Output}");
        }

        try
        {
            return (await client.GetAsync("healthz")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Freezes the process with SIGSTOP (it keeps its sockets, so connections are accepted by the kernel and never
    /// answered, as with a hung process) or, with <paramref name="frozen"/> false, lets it run on with SIGCONT.
    /// </summary>
    public void Freeze(bool frozen = true)
    {
        using var signal = Process.Start("kill", [frozen ? "-STOP" : "-CONT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start.");
        signal.WaitForExit();
    }

    /// <summary>Ends the process at once with SIGKILL (no shutdown code runs) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
