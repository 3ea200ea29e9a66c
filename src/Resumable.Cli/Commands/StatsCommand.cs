using System.CommandLine;
using System.Text.Json;
using Resumable.Cli.Connection;
using Resumable.Cli.Output;
using Spectre.Console;

namespace Resumable.Cli.Commands;

/// <summary><c>stats</c>: the node's statistics as a table of dotted names and values.</summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the statistics as the server sends them (JSON)." };
        var command = new Command("stats", "Show the node's statistics: queue, jobs, streams, retained responses, write-ahead log (admin key).") { json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            using var client = ConnectionSettings.From(parseResult).AdminClient();
            var stats = await client.SendJsonAsync(HttpMethod.Get, "admin/stats", null, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                Terminal.WriteJson(stats);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("statistic", "value");
            foreach (var (name, value) in Flatten(stats, ""))
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(value));
            }

            Terminal.Out.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static IEnumerable<(string Name, string Value)> Flatten(JsonElement element, string prefix)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            yield return (prefix, Formats.Scalar(element));
            yield break;
        }

        foreach (var property in element.EnumerateObject())
        {
            foreach (var row in Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}"))
            {
                yield return row;
            }
        }
    }
}
