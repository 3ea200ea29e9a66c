using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Resumable.Cli.Connection;
using Resumable.Cli.Output;
using Spectre.Console;

namespace Resumable.Cli.Commands;

/// <summary><c>ls</c>: the node's retained responses of every tenant (admin list), newest first.</summary>
internal static class ListCommand
{
    private const int PageSize = 100;

    public static Command Create()
    {
        var status = new Option<string?>("--status") { Description = "Only responses with this status." };
        status.AcceptOnlyFromAmong("queued", "in_progress", "completed", "failed", "incomplete", "cancelled");
        var tenant = new Option<string?>("--tenant") { Description = "Only this tenant's responses." };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many responses.", DefaultValueFactory = _ => 20 }.InRange(1, 10_000);
        var json = new Option<bool>("--json") { Description = "Print the responses as a JSON array instead of a table." };
        var command = new Command("ls", "List retained responses (admin key).") { status, tenant, limit, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            using var client = ConnectionSettings.From(parseResult).AdminClient();
            var wanted = parseResult.GetValue(limit);
            var rows = new List<JsonElement>();
            string? after = null;
            while (rows.Count < wanted)
            {
                var query = $"admin/responses?limit={Math.Min(PageSize, wanted - rows.Count).ToString(CultureInfo.InvariantCulture)}"
                    + Parameter("status", parseResult.GetValue(status)) + Parameter("tenant", parseResult.GetValue(tenant)) + Parameter("after", after);
                var page = await client.SendJsonAsync(HttpMethod.Get, query, null, cancellationToken).ConfigureAwait(false);
                rows.AddRange(page.GetProperty("data").EnumerateArray());
                if (!page.GetProperty("has_more").GetBoolean() || page.GetProperty("last_id").GetString() is not { } last)
                {
                    break;
                }

                after = last;
            }

            if (parseResult.GetValue(json))
            {
                Terminal.WriteJson(rows);
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("id", "tenant", "status", "model", "bg", "created (UTC)", "events", "bytes", "durable", "storage", "readers");
            foreach (var row in rows)
            {
                table.AddRow(
                    Markup.Escape(Formats.Field(row, "id")),
                    Markup.Escape(Formats.Field(row, "tenant")),
                    StatusMarkup(Formats.Field(row, "status")),
                    Markup.Escape(Formats.Field(row, "model")),
                    Formats.Field(row, "background"),
                    Formats.Time(row.GetProperty("created_at")),
                    Formats.Field(row, "events"),
                    Formats.Field(row, "bytes"),
                    Formats.Field(row, "durable_sequence_number"),
                    Formats.Field(row, "storage"),
                    Formats.Field(row, "readers"));
            }

            Terminal.Out.Write(table);
            Terminal.Out.WriteLine($"{rows.Count} response(s)");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>A status coloured by how it ended.</summary>
    public static string StatusMarkup(string status) => status switch
    {
        "completed" => $"[green]{status}[/]",
        "failed" => $"[red]{status}[/]",
        "incomplete" or "cancelled" => $"[yellow]{status}[/]",
        _ => $"[blue]{Markup.Escape(status)}[/]",
    };

    private static string Parameter(string name, string? value) =>
        string.IsNullOrEmpty(value) ? "" : $"&{name}={Uri.EscapeDataString(value)}";
}
