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
using Resumable.Server.Cluster;
using Resumable.Server.Dashboard;
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
        // Bound once, like the responses endpoints: a stream bound per request would hold a service scope open.
        var services = app.ServiceProvider.GetRequiredService<ResponsesServices>();
        var cursors = app.ServiceProvider.GetRequiredService<ICursorStore>();
        var eventLog = app.ServiceProvider.GetRequiredService<IEventLog>();
        group.MapGet("/responses/{id}", (string id, HttpContext context) => InspectResponseAsync(id, context, services, cursors, eventLog)).WithName("AdminInspectResponse")
            .WithSummary("A response's state and its events (starting_after, limit) with their sizes; with stream=true its events after starting_after as SSE, then the live tail. Relayed to the node that holds it.");
        group.MapPost("/responses/{id}/cancel", (string id, HttpContext context) => CancelAsync(id, context, services)).WithName("AdminCancelResponse")
            .WithSummary("Cancels an in-flight response of any tenant; idempotent. Relayed to the node that holds it.");
        group.MapDelete("/responses/{id}", (string id, HttpContext context) => DeleteAsync(id, context, services)).WithName("AdminDeleteResponse")
            .WithSummary("Stops a response of any tenant if it is running and deletes it. Relayed to the node that holds it.");
        group.MapGet("/stats", Stats).WithName("AdminStats")
            .WithSummary("Queue depth, running jobs, active streams, retained responses and events.");
        group.MapDashboardFeed();
        return group;
    }

    internal static Results<Ok<AdminResponseList>, JsonHttpResult<OpenAIErrorEnvelope>> ListResponses(
        HttpContext context, ResponseRegistry registry, ICursorStore cursors, IEventLog eventLog)
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

        var data = slice.Items.Select(e => Summarize(e, registry, cursors, eventLog.Mode)).ToList();
        return TypedResults.Ok(new AdminResponseList("list", data, data.FirstOrDefault()?.Id, data.LastOrDefault()?.Id, slice.HasMore));
    }

    internal static async Task<Results<Ok<AdminResponseDetail>, SseFrameResult, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> InspectResponseAsync(
        string id, HttpContext context, ResponsesServices services, ICursorStore cursors, IEventLog eventLog)
    {
        var streamParameter = QueryParameter.Get(context.Request, "stream");
        var stream = false;
        if (!StringValues.IsNullOrEmpty(streamParameter) && !bool.TryParse(streamParameter.ToString(), out stream))
        {
            return OpenAIError.BadRequest($"Invalid value for 'stream': '{streamParameter}'. Expected true or false.", "stream", "invalid_value");
        }

        if (!services.Registry.TryGetAnyTenant(id, out var entry))
        {
            var route = await services.Router.RouteAsync(id, tenant: null, context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        var registry = services.Registry;
        var (log, error) = await ResponseLogReader.OpenAsync(services.Logs, entry, context.RequestAborted).ConfigureAwait(false);
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

        if (stream)
        {
            // An operator following a response is one more reader of it; leaving never cancels it.
            return new SseFrameResult(entry, log, position, cancelJobOnDisconnect: false, services.Streamer, services.Lifecycle);
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

        return TypedResults.Ok(new AdminResponseDetail(Summarize(entry, registry, cursors, eventLog.Mode), events, frames.Length > limit));
    }

    internal static async Task<Results<Utf8JsonResult, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> CancelAsync(string id, HttpContext context, ResponsesServices services)
    {
        if (!services.Registry.TryGetAnyTenant(id, out var entry))
        {
            var route = await services.Router.RouteAsync(id, tenant: null, context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        return await ResponsesEndpoints.CancelEntryAsync(entry, context, services).ConfigureAwait(false);
    }

    internal static async Task<Results<Ok<DeletedResponse>, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> DeleteAsync(string id, HttpContext context, ResponsesServices services)
    {
        if (!services.Registry.TryGetAnyTenant(id, out var entry))
        {
            var route = await services.Router.RouteAsync(id, tenant: null, context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        return ResponsesEndpoints.DeleteEntry(entry, services);
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

    /// <summary>
    /// A response as operators see it, from this node's entry. A response that is never persisted (durability
    /// <paramref name="mode"/> none, or <c>store: false</c>) has no durable cursor and is never behind one: lag 0.
    /// </summary>
    internal static AdminResponseSummary Summarize(ResponseEntry entry, ResponseRegistry registry, ICursorStore cursors, DurabilityMode mode)
    {
        var persisted = mode != DurabilityMode.None && entry.Request.Store;
        var expiresAt = registry.ExpiresAt(entry);
        var durable = cursors.GetDurable(entry.Id);
        var storage = entry.Cold is null ? "memory" : "wal";
        lock (entry.Gate)
        {
            // Under the lock the sequencer appends under: a terminal status comes with its terminal event counted.
            var (events, bytes, last) = entry.EventTotals;
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
                persisted ? last - (durable ?? -1) : 0);
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
