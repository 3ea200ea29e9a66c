using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Resumable.Cli.Connection;
using Resumable.Cli.Output;
using Spectre.Console;

namespace Resumable.Cli.Commands;

/// <summary><c>inspect ID</c>: a response's state and every event with its sequence number, type, size and durability.</summary>
internal static class InspectCommand
{
    private const int PageSize = 1_000;

    // Bounds the paging should a server keep answering has_more; far above any response's event count.
    private const int MaxPages = 100_000;

    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "The response id." };
        var json = new Option<bool>("--json") { Description = "Print the summary and events as JSON." };
        var command = new Command("inspect", "Show a response's events with sequence numbers, types, sizes and the durable cursor (admin key).") { id, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            using var client = ConnectionSettings.From(parseResult).AdminClient();
            var path = $"admin/responses/{Uri.EscapeDataString(parseResult.GetValue(id)!)}?limit={PageSize.ToString(CultureInfo.InvariantCulture)}";
            JsonElement? summary = null;
            var events = new List<InspectedEvent>();
            for (var page = 0; page < MaxPages; page++)
            {
                var after = events.Count > 0 ? $"&starting_after={events[^1].SequenceNumber.ToString(CultureInfo.InvariantCulture)}" : "";
                var detail = await client.SendJsonAsync(HttpMethod.Get, path + after, null, cancellationToken).ConfigureAwait(false);
                summary = detail.GetProperty("response");
                foreach (var e in detail.GetProperty("events").EnumerateArray())
                {
                    events.Add(new InspectedEvent(e.GetProperty("sequence_number").GetInt64(), e.GetProperty("type").GetString()!, e.GetProperty("bytes").GetInt32(), false));
                }

                if (!detail.GetProperty("has_more").GetBoolean())
                {
                    break;
                }
            }

            // The summary of the last page is the newest; its cursor says which of the listed events are durable.
            var response = summary!.Value;
            var durable = response.TryGetProperty("durable_sequence_number", out var d) && d.ValueKind == JsonValueKind.Number ? d.GetInt64() : (long?)null;
            events = [.. events.Select(e => e with { Durable = e.SequenceNumber <= durable })];

            if (parseResult.GetValue(json))
            {
                Terminal.WriteJson(new InspectReport(response, events));
                return ExitCodes.Success;
            }

            var head = new Grid().AddColumn().AddColumn();
            foreach (var (label, name) in new[] { ("id", "id"), ("tenant", "tenant"), ("status", "status"), ("model", "model"), ("background", "background"), ("storage", "storage"), ("readers", "readers"), ("last sequence", "last_sequence_number"), ("durable cursor", "durable_sequence_number"), ("durable lag", "durable_lag") })
            {
                head.AddRow($"[grey]{label}[/]", Markup.Escape(Formats.Field(response, name)));
            }

            head.AddRow("[grey]created (UTC)[/]", Formats.Time(response.GetProperty("created_at")));
            head.AddRow("[grey]expires (UTC)[/]", response.TryGetProperty("expires_at", out var expires) ? Formats.Time(expires) : "-");
            Terminal.Out.Write(head);

            var table = new Table().AddColumns("seq", "type", "bytes", "durable");
            foreach (var e in events)
            {
                table.AddRow(e.SequenceNumber.ToString(CultureInfo.InvariantCulture), Markup.Escape(e.Type), e.Bytes.ToString(CultureInfo.InvariantCulture), e.Durable ? "[green]yes[/]" : "[yellow]no[/]");
            }

            Terminal.Out.Write(table);
            Terminal.Out.WriteLine($"{events.Count} event(s), {events.Sum(e => (long)e.Bytes)} bytes, {events.Count(e => e.Durable)} durable");
            return ExitCodes.Success;
        }));
        return command;
    }
}
