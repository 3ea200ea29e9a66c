using System.CommandLine;
using Resumable.Cli.Connection;
using Resumable.Cli.Output;

namespace Resumable.Cli.Commands;

/// <summary><c>get ID</c>: the response object as JSON.</summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The response id." };
        var command = new Command("get", "Print the response object (JSON).") { id };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            using var client = ConnectionSettings.From(parseResult).TenantClient();
            var response = await client.SendJsonAsync(HttpMethod.Get, $"v1/responses/{Uri.EscapeDataString(parseResult.GetValue(id)!)}", null, cancellationToken).ConfigureAwait(false);
            Terminal.WriteJson(response);
            return ExitCodes.Success;
        }));
        return command;
    }
}
