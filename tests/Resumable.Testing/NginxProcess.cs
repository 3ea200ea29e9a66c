using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Resumable.Testing;

/// <summary>
/// A real nginx (the host's) running the deployment's own configuration, <c>deploy/nginx.conf</c>, with only its
/// upstream addresses and listen address pointed at loopback ports, in a temporary prefix of its own. Disposing
/// stops it.
/// </summary>
public sealed class NginxProcess : IDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _prefix;
    private readonly StringBuilder _output = new();

    private NginxProcess(Process process, TempDirectory prefix, int port)
    {
        _process = process;
        _prefix = prefix;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>Its base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>What it printed (its access log goes to stdout).</summary>
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

    /// <summary>Starts nginx in front of <paramref name="nodeA"/> and <paramref name="nodeB"/> and waits until it accepts connections.</summary>
    public static async Task<NginxProcess> StartAsync(ClusterNode nodeA, ClusterNode nodeB)
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed: install Debian's nginx package (scripts/test.sh does, as root).");
        var prefix = new TempDirectory("nginx");
        var port = FreeTcpPort.Next();
        var configuration = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "deploy", "nginx.conf"));
        configuration = ReplaceOnce(configuration, "node-a:8080", $"127.0.0.1:{nodeA.Port}");
        configuration = ReplaceOnce(configuration, "node-b:8080", $"127.0.0.1:{nodeB.Port}");
        configuration = ReplaceOnce(configuration, "listen 80;", $"listen 127.0.0.1:{port};");
        var path = Path.Combine(prefix.Path, "nginx.conf");
        await File.WriteAllTextAsync(path, configuration);

        var start = new ProcessStartInfo(nginx) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", prefix.Path + "/", "-c", path, "-g", "daemon off;" })
        {
            start.ArgumentList.Add(argument);
        }

        var server = new NginxProcess(Process.Start(start) ?? throw new InvalidOperationException("nginx did not start."), prefix, port);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await Eventually.UntilAsync(() => Task.FromResult(server.Accepts()), "nginx to accept connections");
            return server;
        }
        catch (Exception)
        {
            var output = server.Output;
            server.Dispose();
            throw new InvalidOperationException($"nginx did not start:\n{output}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _prefix.Dispose();
    }

    private static string ReplaceOnce(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        if (at < 0 || text.IndexOf(from, at + from.Length, StringComparison.Ordinal) >= 0)
        {
            throw new InvalidOperationException($"deploy/nginx.conf must contain '{from}' exactly once.");
        }

        return string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
    }

    private bool Accepts()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"nginx exited with {_process.ExitCode}:\n{Output}");
        }

        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
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
