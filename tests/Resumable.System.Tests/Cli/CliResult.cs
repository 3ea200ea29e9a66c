namespace Resumable.System.Tests.Cli;

/// <summary>What a finished child process left: its exit code and everything it printed.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
