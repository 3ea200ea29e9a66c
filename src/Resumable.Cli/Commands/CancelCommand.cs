using System.CommandLine;
using Resumable.Cli.Connection;

namespace Resumable.Cli.Commands;

/// <summary><c>cancel ID</c>: cancels an in-flight response and prints its status afterwards.</summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The response id." };
        var command = new Command("cancel", "Cancel a queued or running response; prints the id and its status (a finished one keeps its own).") { id };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            using var client = ConnectionSettings.From(parseResult).TenantClient();
            var response = await client.SendJsonAsync(HttpMethod.Post, $"v1/responses/{Uri.EscapeDataString(parseResult.GetValue(id)!)}/cancel", null, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{response.GetProperty("id").GetString()} {response.GetProperty("status").GetString()}").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
