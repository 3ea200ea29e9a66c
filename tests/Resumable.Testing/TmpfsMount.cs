using System.Diagnostics;

namespace Resumable.Testing;

/// <summary>
/// A small tmpfs mounted on a fresh temp directory, to make a real "disk full". Needs root (the test script
/// and CI run as root); unmounted and removed on dispose.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private readonly TempDirectory _directory = new("tmpfs");

    public TmpfsMount(long sizeBytes)
    {
        Path = _directory.Path;
        var (exitCode, output) = Run("mount", "-t", "tmpfs", "-o", $"size={sizeBytes}", "tmpfs", Path);
        if (exitCode != 0)
        {
            _directory.Dispose();
            throw new InvalidOperationException($"Mounting a {sizeBytes}-byte tmpfs needs root (mount said: {output.Trim()}).");
        }
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    public void Dispose()
    {
        if (Run("umount", Path).ExitCode != 0)
        {
            Run("umount", "-l", Path);
        }

        _directory.Dispose();
    }

    private static (int ExitCode, string Output) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
