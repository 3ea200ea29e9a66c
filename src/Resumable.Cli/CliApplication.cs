using System.CommandLine;
using System.CommandLine.Help;
using Resumable.Cli.Bench;
using Resumable.Cli.Commands;
using Resumable.Cli.Connection;

namespace Resumable.Cli;

/// <summary>Builds the command tree and runs it, mapping parse errors to <see cref="ExitCodes.Usage"/>.</summary>
internal static class CliApplication
{
    // Ctrl+C (SIGINT) and SIGTERM cancel the command's token; a command that has not ended two seconds later is
    // abandoned with 130 or 143.
    private static readonly InvocationConfiguration Invocation = new() { ProcessTerminationTimeout = TimeSpan.FromSeconds(2) };

    public static async Task<int> RunAsync(string[] args)
    {
        var root = Build();
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // The parse-error action prints the errors and the help; System.CommandLine returns 1 for it, which
            // scripts could not tell from a response that ended unsuccessfully.
            await parseResult.InvokeAsync().ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parseResult.InvokeAsync(Invocation).ConfigureAwait(false);
    }

    public static Command Build()
    {
        // Not a RootCommand: that names itself after the entry assembly (Resumable.Cli), while the installed tool is
        // called 'resumable'; these are the options a RootCommand would add.
        var root = new Command("resumable", "Command-line client for Resumable: submit, follow and resume responses, inspect a node, drive load.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        GlobalOptions.AddTo(root);
        root.Subcommands.Add(SubmitCommand.Create());
        root.Subcommands.Add(TailCommand.Create());
        root.Subcommands.Add(GetCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(DeleteCommand.Create());
        root.Subcommands.Add(ListCommand.Create());
        root.Subcommands.Add(InspectCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        return root;
    }
}
