using System.CommandLine;
using Resumable.Cli.Connection;
using Resumable.Cli.Streaming;

namespace Resumable.Cli.Commands;

/// <summary><c>tail ID</c>: streams an existing response's text, resuming by itself when the connection drops.</summary>
internal static class TailCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The response id (resp_…)." };
        var after = new Option<long?>("--after") { Description = "Start after this sequence number instead of from the beginning." };
        var retries = new Option<int>("--retries") { Description = "Reconnection attempts in a row without progress before giving up.", DefaultValueFactory = _ => 6 }.InRange(0, 100);
        var command = new Command("tail", "Stream an existing response's text; reconnects with Last-Event-ID when the connection drops.") { id, after, retries };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            var settings = ConnectionSettings.From(parseResult);
            using var client = settings.TenantClient();
            var follower = new ResponseFollower(client, new ResponseTextPrinter(Console.Out), Console.Error) { MaxRetries = parseResult.GetValue(retries) };
            var outcome = await follower.FollowAsync(parseResult.GetValue(id)!, parseResult.GetValue(after), cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync().ConfigureAwait(false);
            return SubmitCommand.Report(outcome);
        }));
        return command;
    }
}
