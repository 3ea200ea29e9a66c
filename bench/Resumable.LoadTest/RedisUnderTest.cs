using System.Diagnostics;

namespace Resumable.LoadTest;

/// <summary>
/// A host <c>redis-server</c> as a child process on a free loopback port, with nothing persisted (<c>--save ""</c>,
/// <c>--appendonly no</c>), and <c>redis-cli</c> to read its command statistics.
/// </summary>
internal sealed class RedisUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _cli;

    private RedisUnderTest(Process process, string cli, int port)
    {
        _process = process;
        _cli = cli;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>CPU seconds the Redis process used so far (user + system, from the OS).</summary>
    public double CpuSeconds
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }
    }

    /// <summary>Starts it and returns once it answers <c>PING</c>; fails with what to install when a program is missing.</summary>
    public static async Task<RedisUnderTest> StartAsync()
    {
        var server = Find("redis-server", "the Redis server (Debian: apt-get install redis-server)");
        var cli = Find("redis-cli", "the Redis command-line client (Debian: apt-get install redis-tools)");
        var port = ServerUnderTest.FreePort();
        var start = new ProcessStartInfo(server) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisUnderTest(process, cli, port);
        for (var attempt = 0; attempt < 100 && !process.HasExited; attempt++)
        {
            if ((await redis.CliAsync("ping")).Trim() == "PONG")
            {
                return redis;
            }

            await Task.Delay(50);
        }

        await redis.DisposeAsync();
        throw new InvalidOperationException($"{server} did not answer PING on port {port} within 5 seconds.");
    }

    /// <summary>
    /// Calls per command so far (<c>INFO commandstats</c>). Each reading is itself one <c>INFO</c> call, counted in the
    /// next reading: <see cref="CommandStats.Since"/> takes it out.
    /// </summary>
    public async Task<CommandStats> CommandStatsAsync() => CommandStats.Parse(await CliAsync("info", "commandstats"));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task<string> CliAsync(params string[] command)
    {
        var start = new ProcessStartInfo(_cli) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(command))
        {
            start.ArgumentList.Add(argument);
        }

        using var cli = Process.Start(start)!;
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        await cli.WaitForExitAsync();
        await errors;
        return await output;
    }

    // The program's full path, or a failure that says what to install.
    private static string Find(string program, string what)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"--cluster needs {what}: '{program}' is neither on PATH nor in /usr/bin or /usr/local/bin.");
    }
}
