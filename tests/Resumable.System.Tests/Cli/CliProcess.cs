using System.Diagnostics;
using System.Text;
using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary>
/// Runs the built command-line client (<c>dotnet Resumable.Cli.dll …</c>) or another program as a child process and
/// collects its exit code and output. A process still running after its bound is killed and the test fails.
/// </summary>
public static class CliProcess
{
    private static readonly TimeSpan DefaultBound = TimeSpan.FromMinutes(2);

    /// <summary>The client built for this test run: same configuration and target framework as the tests.</summary>
    public static string AssemblyPath { get; } = Locate();

    /// <summary>Runs the client with <paramref name="args"/>; <paramref name="environment"/> replaces the RESUMABLE_ variables.</summary>
    public static Task<CliResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? bound = null) =>
        RunProgramAsync("dotnet", [AssemblyPath, .. args], environment, stdin, bound);

    /// <summary>Runs any program; the RESUMABLE_ variables of the test's own environment never reach it.</summary>
    public static async Task<CliResult> RunProgramAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? bound = null)
    {
        var start = StartInfo(fileName, args, environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(bound ?? DefaultBound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} still ran after {(bound ?? DefaultBound).TotalSeconds:F0} s:\n{await stdout}\n{await stderr}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    // The tests' output directory is …/tests/Resumable.System.Tests/bin/<Configuration>/<tfm>/; the client's is the same under src/Resumable.Cli.
    /// <summary>
    /// How to start <paramref name="fileName"/> with <paramref name="args"/>, its three streams redirected (UTF-8): the
    /// RESUMABLE_ variables of the test's own environment never reach it, <paramref name="environment"/> does.
    /// </summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in new[] { "RESUMABLE_URL", "RESUMABLE_API_KEY", "RESUMABLE_ADMIN_KEY" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static string Locate()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(RepositoryPaths.Root, "src", "Resumable.Cli", "bin", output.Parent!.Name, output.Name, "Resumable.Cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The client is not built at {path}; build the solution first.", path);
    }
}
