using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Resumable.System.Tests.Cli;

/// <summary>
/// The client started as a child process that a test watches while it runs (its output so far) and signals, as a
/// user pressing Ctrl+C would. Disposing kills it if it still runs.
/// </summary>
public sealed class RunningCliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _reading;

    private RunningCliProcess(Process process)
    {
        _process = process;
        _reading = Task.WhenAll(PumpAsync(process.StandardOutput, _stdout), PumpAsync(process.StandardError, _stderr));
    }

    /// <summary>What it wrote to standard output so far.</summary>
    public string StdOut
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public static RunningCliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = CliProcess.StartInfo("dotnet", [CliProcess.AssemblyPath, .. args], environment);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.StandardInput.Close();
        return new RunningCliProcess(process);
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        using var signal = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start.");
        signal.WaitForExit();
    }

    /// <summary>Waits (bounded) for it to end and returns its exit code and output.</summary>
    public async Task<CliResult> WaitAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The client still ran after {bound.TotalSeconds:F0} s:\n{StdOut}");
        }

        await _reading;
        lock (_stderr)
        {
            return new CliResult(_process.ExitCode, StdOut, _stderr.ToString());
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
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
            {
                into.Append(buffer, 0, read);
            }
        }
    }
}
