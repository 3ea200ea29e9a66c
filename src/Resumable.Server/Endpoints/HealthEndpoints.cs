using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Resumable.Server.Endpoints;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (it can take new work: the queue has room and the
/// write-ahead log neither failed nor falls behind). <c>/readyz</c> says why in its JSON body.
/// </summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = static _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = static check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteReportAsync });
        return app;
    }

    // {"status":"Unhealthy","checks":{"queue":{"status":"Healthy","description":"Queue 0/1000."},"wal":{…}}}
    private static async Task WriteReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status"u8, report.Status.ToString());
        writer.WriteStartObject("checks"u8);
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status"u8, entry.Status.ToString());
            writer.WriteString("description"u8, entry.Description);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
