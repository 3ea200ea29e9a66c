using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Resumable.Core.Entries;
using Resumable.Core.Responses;
using Resumable.Core.Cluster;
using Resumable.Server.Auth;
using Resumable.Server.Cluster;
using Resumable.Server.Errors;
using Resumable.Server.Requests;

namespace Resumable.Server.Endpoints;

/// <summary>The OpenAI Responses API: create, retrieve (and stream), cancel, delete, input items, list.</summary>
internal static class ResponsesEndpoints
{
    private const string LastEventIdHeader = "Last-Event-ID";

    // The status nginx uses for "client closed request"; never seen by the client that left.
    private const int ClientClosedRequest = 499;

    public static RouteGroupBuilder MapResponsesEndpoints(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider.GetRequiredService<ResponsesServices>();
        var group = app.MapGroup("/v1/responses")
            .AddEndpointFilterFactory(ApiKeyEndpointFilters.RequireTenant)
            .WithTags("Responses");

        // Cast to Delegate: a lambda of HttpContext alone would otherwise bind as a RequestDelegate, discarding its result.
        group.MapPost("/", (Delegate)((HttpContext context) => CreateAsync(context, services))).WithName("CreateResponse")
            .WithSummary("Creates a response; background, streaming, both or neither.");
        group.MapGet("/", (Delegate)((HttpContext context) => ListAsync(context, services))).WithName("ListResponses")
            .WithSummary("Lists the caller's retained responses, newest first, with cursor pagination.");
        group.MapGet("/{id}", (string id, HttpContext context) => RetrieveAsync(id, context, services)).WithName("RetrieveResponse")
            .WithSummary("Returns a response as it stands, or with stream=true replays its events and follows the live tail.");
        group.MapPost("/{id}/cancel", (string id, HttpContext context) => CancelAsync(id, context, services)).WithName("CancelResponse")
            .WithSummary("Cancels an in-flight response; idempotent.");
        group.MapDelete("/{id}", (string id, HttpContext context) => DeleteAsync(id, context, services)).WithName("DeleteResponse")
            .WithSummary("Stops a response if it is running and deletes it.");
        group.MapGet("/{id}/input_items", (string id, HttpContext context) => ListInputItemsAsync(id, context, services)).WithName("ListInputItems")
            .WithSummary("Lists the input items of a response.");
        return group;
    }

    internal static async Task<Results<Utf8JsonResult, SseFrameResult, JsonHttpResult<OpenAIErrorEnvelope>>> CreateAsync(
        HttpContext context, ResponsesServices services)
    {
        // A body declared as something else (a form, plain text) is refused before it is read. One that declares no
        // type is read as JSON: the parser refuses it if it is not.
        var contentType = context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !context.Request.HasJsonContentType())
        {
            return OpenAIError.BadRequest(
                $"Unsupported Content-Type '{contentType}': send the request body as JSON, with 'Content-Type: application/json'.", null, "unsupported_content_type");
        }

        var limit = services.Api.Value.MaxRequestBodyBytes;
        var body = await RequestBodyReader.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return OpenAIError.TooLarge(limit);
        }

        var request = CreateResponseRequestParser.Parse(body, out var error);
        if (request is null)
        {
            return OpenAIError.BadRequest(error!.Message, error.Param, error.Code);
        }

        var admission = services.Admission.Admit(request, context.GetTenant());
        if (admission.Problem is { } problem)
        {
            return OpenAIError.BadRequest(problem.Message, problem.Param, problem.Param == "model" ? "model_not_found" : "invalid_value");
        }

        if (admission.StorageFault is { } fault)
        {
            return OpenAIError.StorageUnavailable(context, fault, services.Queue.Value.RetryAfterSeconds);
        }

        if (admission.QueueFull)
        {
            return OpenAIError.QueueFull(context, services.Queue.Value.RetryAfterSeconds);
        }

        var entry = admission.Entry!;
        if (request.Store && services.Announcer is { } announcer)
        {
            // Known to every node before its id is: a reconnect that lands on another node finds it at once. Bounded
            // by the Redis command timeout and never failing the create (a response not stored is never announced:
            // nothing would ever take its record back). A caller that leaves meanwhile is noticed below.
            await announcer.AnnounceAsync(ClusterListing.Announcement(entry, services.NodeId), CancellationToken.None).ConfigureAwait(false);
        }

        if (request.Stream)
        {
            // Read through the source: a quick response may already be finished, and even cold, by now.
            var (log, unreadable) = await ResponseLogReader.OpenAsync(services.Logs, entry, context.RequestAborted).ConfigureAwait(false);
            if (log is null)
            {
                return unreadable!;
            }

            return new SseFrameResult(entry, log, position: 0, cancelJobOnDisconnect: !request.Background, services.Streamer, services.Lifecycle);
        }

        if (request.Background)
        {
            // Sync durability: the answer waits for the creation's commit (at once otherwise), so that a response
            // reported queued is one a restart still knows.
            await entry.Log.WaitForFrameAsync(0, context.RequestAborted).ConfigureAwait(false);
            return new Utf8JsonResult(entry.AdmittedObject, services.Api.Value.PollAfterMilliseconds);
        }

        try
        {
            await entry.Finished.Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // A foreground caller that leaves takes its job with it. Nobody reads the answer any more.
            services.Lifecycle.TryCancel(entry);
            return OpenAIError.Create(ClientClosedRequest, "The client closed the request; the response was cancelled.", OpenAIError.InvalidRequest, null, "client_closed_request");
        }

        return new Utf8JsonResult(ResponseObjectWriter.Serialize(entry));
    }

    internal static async Task<Results<Utf8JsonResult, SseFrameResult, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> RetrieveAsync(
        string id, HttpContext context, ResponsesServices services)
    {
        var streamParameter = QueryParameter.Get(context.Request, "stream");
        if (!TryParseBool(streamParameter, out var stream))
        {
            return OpenAIError.BadRequest($"Invalid value for 'stream': '{streamParameter}'. Expected true or false.", "stream", "invalid_value");
        }

        long? cursor = null;
        var cursorName = "starting_after";
        if (stream)
        {
            // The Last-Event-ID header (sent by EventSource on reconnect) wins over the query parameter.
            var raw = context.Request.Headers[LastEventIdHeader];
            if (StringValues.IsNullOrEmpty(raw))
            {
                raw = QueryParameter.Get(context.Request, "starting_after");
            }
            else
            {
                cursorName = LastEventIdHeader;
            }

            if (!StringValues.IsNullOrEmpty(raw))
            {
                if (!long.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    return OpenAIError.BadRequest($"Invalid value for '{cursorName}': '{raw}'. Expected a non-negative integer sequence number.", cursorName, "invalid_value");
                }

                cursor = parsed;
            }
        }

        if (!services.Registry.TryGet(id, context.GetTenant(), out var entry))
        {
            var route = await services.Router.RouteAsync(id, context.GetTenant(), context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        if (!stream)
        {
            return ObjectResult(entry, services);
        }

        var (log, error) = await ResponseLogReader.OpenAsync(services.Logs, entry, context.RequestAborted).ConfigureAwait(false);
        if (log is null)
        {
            return error!;
        }

        var position = 0;
        if (cursor is { } after)
        {
            var last = log.LastSequenceNumber;
            if (after > last)
            {
                return OpenAIError.BadRequest($"Invalid value for '{cursorName}': {after} is beyond the last event of this response ({last}).", cursorName, "invalid_value");
            }

            position = log.IndexAfter(after);
            services.Metrics.StreamResumed();
        }

        return new SseFrameResult(entry, log, position, cancelJobOnDisconnect: false, services.Streamer, services.Lifecycle);
    }

    internal static async Task<Results<Utf8JsonResult, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> CancelAsync(string id, HttpContext context, ResponsesServices services)
    {
        if (!services.Registry.TryGet(id, context.GetTenant(), out var entry))
        {
            var route = await services.Router.RouteAsync(id, context.GetTenant(), context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        return await CancelEntryAsync(entry, context, services).ConfigureAwait(false);
    }

    /// <summary>Cancels a response this node holds and answers its object once the outcome is visible (tenants and operators).</summary>
    internal static async Task<Utf8JsonResult> CancelEntryAsync(ResponseEntry entry, HttpContext context, ResponsesServices services)
    {
        // The response is terminal now; its callers see that once its terminal event is visible (at once, or in
        // sync durability after the commit), and the answer shows the same outcome.
        services.Lifecycle.TryCancel(entry);
        await entry.Finished.Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        return new Utf8JsonResult(ResponseObjectWriter.Serialize(entry));
    }

    internal static async Task<Results<Ok<DeletedResponse>, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> DeleteAsync(string id, HttpContext context, ResponsesServices services)
    {
        if (!services.Registry.TryGet(id, context.GetTenant(), out var entry))
        {
            var route = await services.Router.RouteAsync(id, context.GetTenant(), context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        return DeleteEntry(entry, services);
    }

    /// <summary>Stops a response this node holds if it runs, and deletes it (tenants and operators).</summary>
    internal static Ok<DeletedResponse> DeleteEntry(ResponseEntry entry, ResponsesServices services)
    {
        // The terminal event goes out first, so attached readers end before the response disappears.
        services.Lifecycle.Delete(entry);
        services.Registry.Remove(entry.Id);
        return TypedResults.Ok(new DeletedResponse(entry.Id, "response", true));
    }

    internal static async Task<Results<Utf8JsonResult, RelayedResult, JsonHttpResult<OpenAIErrorEnvelope>>> ListInputItemsAsync(string id, HttpContext context, ResponsesServices services)
    {
        if (!services.Registry.TryGet(id, context.GetTenant(), out var entry))
        {
            var route = await services.Router.RouteAsync(id, context.GetTenant(), context).ConfigureAwait(false);
            return route.Relay is { } relay ? relay : route.Error!;
        }

        if (ListQuery.Parse(context.Request.Query, defaultDescending: true, out var listError) is not { } page)
        {
            return listError!;
        }

        var items = entry.Request.Input.ToList();
        if (page.Descending)
        {
            items.Reverse();
        }

        return page.Page(items, static m => m.Id) is { } slice
            ? new Utf8JsonResult(ListWriter.Write(slice.Items, slice.HasMore, InputItemWriter.Write, static m => m.Id))
            : OpenAIError.BadRequest($"Invalid value for 'after': '{page.After}' is not an item of this response.", "after", "invalid_value");
    }

    internal static async Task<Results<Utf8JsonResult, JsonHttpResult<OpenAIErrorEnvelope>>> ListAsync(HttpContext context, ResponsesServices services)
    {
        var query = context.Request.Query;
        if (ListQuery.Parse(query, defaultDescending: true, out var listError) is not { } page)
        {
            return listError!;
        }

        ResponseStatus? status = null;
        if (!StringValues.IsNullOrEmpty(query["status"]))
        {
            if (!ResponseStatusExtensions.TryParseWireName(query["status"], out var parsed))
            {
                return OpenAIError.BadRequest($"Invalid value for 'status': '{query["status"]}'. Expected one of queued, in_progress, completed, failed, incomplete, cancelled.", "status", "invalid_value");
            }

            status = parsed;
        }

        var entries = services.Registry.Snapshot(context.GetTenant(), status);
        List<ClusterListing> listings;
        if (services.Router.Directory is { } directory)
        {
            // Every node's responses, from Redis: this node's own in full, the others' in summary form.
            try
            {
                var shared = await directory.ListAsync(context.GetTenant(), context.RequestAborted).ConfigureAwait(false);
                listings = ClusterListing.Merge(entries, shared, status, services.NodeId);
            }
            catch (ClusterUnavailableException e)
            {
                return OpenAIError.ClusterListUnavailable(context, e.Message, services.Queue.Value.RetryAfterSeconds);
            }
        }
        else
        {
            listings = entries.ConvertAll(static e => new ClusterListing(e.Id, e.CreatedAt, e, null));
        }

        if (!page.Descending)
        {
            listings.Reverse();
        }

        return page.Page(listings, static l => l.Id) is { } slice
            ? new Utf8JsonResult(ListWriter.Write(slice.Items, slice.HasMore, ClusterListing.Write, static l => l.Id))
            : OpenAIError.BadRequest($"Invalid value for 'after': '{page.After}' is not one of your retained responses.", "after", "invalid_value");
    }

    private static Utf8JsonResult ObjectResult(ResponseEntry entry, ResponsesServices services)
    {
        var body = ResponseObjectWriter.Serialize(entry);
        return new Utf8JsonResult(body, entry.TerminalEventVisible ? null : services.Api.Value.PollAfterMilliseconds);
    }

    private static bool TryParseBool(StringValues value, out bool result)
    {
        result = false;
        if (StringValues.IsNullOrEmpty(value))
        {
            return true;
        }

        return bool.TryParse(value.ToString(), out result);
    }
}

/// <summary>The answer to a delete.</summary>
/// <param name="Id">The deleted response's id.</param>
/// <param name="Object">Always <c>response</c>.</param>
/// <param name="Deleted">Always true.</param>
internal sealed record DeletedResponse(string Id, string Object, bool Deleted);
