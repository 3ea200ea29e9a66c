using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Resumable.Core.Cursors;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Jobs;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Core.Retention;
using Resumable.Server.Auth;
using Resumable.Server.Errors;

namespace Resumable.Server.Endpoints;

/// <summary>Operator endpoints across tenants, behind the admin key: retained responses, their events, statistics.</summary>
internal static class AdminEndpoints
{
    private const int MaxEventsPerPage = 1_000;

    public static RouteGroupBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin")
            .AddEndpointFilterFactory(ApiKeyEndpointFilters.RequireAdmin)
            .WithTags("Admin");

        group.MapGet("/responses", ListResponses).WithName("AdminListResponses")
            .WithSummary("Lists retained responses of every tenant (filters: tenant, status; pagination: limit, after, order).");
        group.MapGet("/responses/{id}", InspectResponseAsync).WithName("AdminInspectResponse")
            .WithSummary("A response's state and its events (starting_after, limit) with their sizes.");
        group.MapGet("/stats", Stats).WithName("AdminStats")
            .WithSummary("Queue depth, running jobs, active streams, retained responses and events.");
        return group;
    }

    internal static Results<Ok<AdminResponseList>, JsonHttpResult<OpenAIErrorEnvelope>> ListResponses(HttpContext context, ResponseRegistry registry, ICursorStore cursors)
    {
        var query = context.Request.Query;
        if (ListQuery.Parse(query, defaultDescending: true, out var error) is not { } page)
        {
            return error!;
        }

        ResponseStatus? status = null;
        if (!StringValues.IsNullOrEmpty(query["status"]))
        {
            if (!ResponseStatusExtensions.TryParseWireName(query["status"], out var parsed))
            {
                return OpenAIError.BadRequest($"Invalid value for 'status': '{query["status"]}'.", "status", "invalid_value");
            }

            status = parsed;
        }

        var tenant = query["tenant"].ToString();
        var entries = registry.Snapshot(tenant.Length == 0 ? null : tenant, status);

        if (!page.Descending)
        {
            entries.Reverse();
        }

        if (page.Page(entries, static e => e.Id) is not { } slice)
        {
            return OpenAIError.BadRequest($"Invalid value for 'after': '{page.After}' is not a retained response.", "after", "invalid_value");
        }

        var data = slice.Items.Select(e => Summarize(e, registry, cursors)).ToList();
        return TypedResults.Ok(new AdminResponseList("list", data, data.FirstOrDefault()?.Id, data.LastOrDefault()?.Id, slice.HasMore));
    }

    internal static async Task<Results<Ok<AdminResponseDetail>, JsonHttpResult<OpenAIErrorEnvelope>>> InspectResponseAsync(
        string id, HttpContext context, ResponseRegistry registry, ICursorStore cursors, ResponseLogSource logs)
    {
        if (!registry.TryGetAnyTenant(id, out var entry))
        {
            return OpenAIError.NotFound(id);
        }

        var (log, error) = await ResponseLogReader.OpenAsync(logs, entry, context.RequestAborted).ConfigureAwait(false);
        if (log is null)
        {
            return error!;
        }

        var query = context.Request.Query;
        var position = 0;
        if (!StringValues.IsNullOrEmpty(query["starting_after"]))
        {
            if (!long.TryParse(query["starting_after"], NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return OpenAIError.BadRequest($"Invalid value for 'starting_after': '{query["starting_after"]}'.", "starting_after", "invalid_value");
            }

            position = log.IndexAfter(after);
        }

        var limit = MaxEventsPerPage;
        if (!StringValues.IsNullOrEmpty(query["limit"])
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxEventsPerPage))
        {
            return OpenAIError.BadRequest($"Invalid value for 'limit': '{query["limit"]}'. Expected 1 to {MaxEventsPerPage}.", "limit", "invalid_value");
        }

        var frames = log.ReadFrom(position);
        var events = new List<AdminEvent>(Math.Min(limit, frames.Length));
        foreach (var frame in frames.Span[..Math.Min(limit, frames.Length)])
        {
            events.Add(new AdminEvent(frame.SequenceNumber, frame.Type, frame.Bytes.Length, DataOf(frame)));
        }

        return TypedResults.Ok(new AdminResponseDetail(Summarize(entry, registry, cursors), events, frames.Length > limit));
    }

    internal static Ok<AdminStats> Stats(JobQueue queue, ResponseRegistry registry, ResumableMetrics metrics, IEventLog eventLog, IOptions<QueueOptions> queueOptions) =>
        TypedResults.Ok(new AdminStats(
            new AdminQueueStats(queue.Depth, queue.Capacity, queueOptions.Value.Workers),
            metrics.RunningJobs,
            metrics.ActiveStreams,
            registry.Count,
            registry.Snapshot(tenant: null).Count(static entry => entry.Cold is not null),
            metrics.EventsTotal,
            eventLog.Mode.ToString().ToLowerInvariant(),
            eventLog.GetStatistics()));

    private static AdminResponseSummary Summarize(ResponseEntry entry, ResponseRegistry registry, ICursorStore cursors)
    {
        var expiresAt = registry.ExpiresAt(entry);
        var durable = cursors.GetDurable(entry.Id);
        var (events, bytes, last) = entry.EventTotals;
        var storage = entry.Cold is null ? "memory" : "wal";
        lock (entry.Gate)
        {
            var state = entry.Visible;
            return new AdminResponseSummary(
                entry.Id,
                entry.Tenant,
                state.Status.ToWireName(),
                entry.Request.Model,
                entry.Request.Background,
                entry.CreatedAt.ToUnixTimeMilliseconds(),
                state.CompletedAt?.ToUnixTimeMilliseconds(),
                expiresAt?.ToUnixTimeMilliseconds(),
                events,
                bytes,
                last,
                storage,
                entry.ActiveReaders,
                durable,
                last - (durable ?? -1));
        }
    }

    // The data line of a frame, parsed back for display; operators read it, the hot path never does.
    private static JsonElement DataOf(EventFrame frame)
    {
        using var document = JsonDocument.Parse(frame.Data.ToArray());
        return document.RootElement.Clone();
    }
}

/// <summary>One retained response as operators see it. Times are Unix milliseconds; the durable lag is how many
/// sequence numbers the last event is ahead of the last durable one.</summary>
internal sealed record AdminResponseSummary(
    string Id, string Tenant, string Status, string Model, bool Background, long CreatedAt, long? CompletedAt, long? ExpiresAt,
    int Events, long Bytes, long LastSequenceNumber, string Storage, int Readers, long? DurableSequenceNumber, long DurableLag);

/// <summary>A page of retained responses.</summary>
internal sealed record AdminResponseList(string Object, List<AdminResponseSummary> Data, string? FirstId, string? LastId, bool HasMore);

/// <summary>A response with a page of its events.</summary>
internal sealed record AdminResponseDetail(AdminResponseSummary Response, List<AdminEvent> Events, bool HasMore);

/// <summary>One event: its number, type, frame size and payload.</summary>
internal sealed record AdminEvent(long SequenceNumber, string Type, int Bytes, JsonElement Data);

/// <summary>Live statistics of this node.</summary>
internal sealed record AdminStats(
    AdminQueueStats Queue, long RunningJobs, long ActiveStreams, int RetainedResponses, int ColdResponses, long EventsTotal, string Durability, WalStatistics? Wal);

/// <summary>The job queue's fill.</summary>
internal sealed record AdminQueueStats(int Depth, int Capacity, int Workers);
