using System.CommandLine;
using Resumable.Cli.Connection;

namespace Resumable.Cli.Commands;

/// <summary><c>delete ID</c>: stops the response if it runs and deletes it.</summary>
internal static class DeleteCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The response id." };
        var command = new Command("delete", "Delete a response (stopping it first if it runs); afterwards it is not found.") { id };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            using var client = ConnectionSettings.From(parseResult).TenantClient();
            var response = await client.SendJsonAsync(HttpMethod.Delete, $"v1/responses/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", null, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"{response.GetProperty("id").GetString()} deleted").ConfigureAwait(false);
            return ExitCodes.Success;
        }));
        return command;
    }
}
