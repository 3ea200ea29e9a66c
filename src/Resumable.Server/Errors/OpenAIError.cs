using Microsoft.AspNetCore.Http.HttpResults;
using Resumable.Core.Responses;

namespace Resumable.Server.Errors;

/// <summary>The OpenAI error envelope: <c>{"error":{"message","type","param","code"}}</c>.</summary>
/// <param name="Error">The error.</param>
public sealed record OpenAIErrorEnvelope(OpenAIErrorBody Error);

/// <summary>The body of an OpenAI error.</summary>
/// <param name="Message">What went wrong, for people.</param>
/// <param name="Type">The category, e.g. <c>invalid_request_error</c>.</param>
/// <param name="Param">The offending parameter, or null.</param>
/// <param name="Code">A stable machine-readable code, or null.</param>
public sealed record OpenAIErrorBody(string Message, string Type, string? Param, string? Code);

/// <summary>Factories for the error results every endpoint returns, one per HTTP status we use.</summary>
internal static class OpenAIError
{
    public const string InvalidRequest = "invalid_request_error";

    public static JsonHttpResult<OpenAIErrorEnvelope> BadRequest(string message, string? param, string? code = null) =>
        Create(StatusCodes.Status400BadRequest, message, InvalidRequest, param, code);

    public static JsonHttpResult<OpenAIErrorEnvelope> Unauthorized(string message) =>
        Create(StatusCodes.Status401Unauthorized, message, InvalidRequest, null, "invalid_api_key");

    public static JsonHttpResult<OpenAIErrorEnvelope> NotFound(string id) =>
        Create(StatusCodes.Status404NotFound, $"Response with id '{id}' not found.", InvalidRequest, null, "not_found");

    public static JsonHttpResult<OpenAIErrorEnvelope> Gone(string message) =>
        Create(StatusCodes.Status410Gone, message, InvalidRequest, null, "response_expired");

    public static JsonHttpResult<OpenAIErrorEnvelope> Conflict(string message, string? param, string code) =>
        Create(StatusCodes.Status409Conflict, message, InvalidRequest, param, code);

    public static JsonHttpResult<OpenAIErrorEnvelope> TooLarge(long limit) =>
        Create(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the limit of {limit} bytes.", InvalidRequest, null, "request_too_large");

    public static JsonHttpResult<OpenAIErrorEnvelope> QueueFull(HttpContext context, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status429TooManyRequests, "The job queue is full. Retry after the time in the Retry-After header.", "rate_limit_error", null, "queue_full");
    }

    public static JsonHttpResult<OpenAIErrorEnvelope> StorageUnavailable(HttpContext context, string fault, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(StatusCodes.Status503ServiceUnavailable, $"The service cannot persist new responses right now ({fault}). Retry after the time in the Retry-After header; responses already running are not affected.", "server_error", null, "storage_unavailable");
    }

    public static JsonHttpResult<OpenAIErrorEnvelope> ColdReadUnavailable(string id, string reason) =>
        Create(StatusCodes.Status503ServiceUnavailable, $"The events of response '{id}' cannot be read from the write-ahead log right now ({reason}). Retry later.", "server_error", null, "storage_unavailable");

    public static JsonHttpResult<OpenAIErrorEnvelope> OwnerUnavailable(HttpContext context, Resumable.Core.Cluster.ClusterResponse response, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(
            StatusCodes.Status503ServiceUnavailable,
            $"Response '{response.Id}' is held by node '{response.Owner}', which cannot be reached right now; its last known status is '{response.Status.ToWireName()}' (last event {response.LastSequenceNumber}, durable up to {response.DurableSequenceNumber}). Retry after the time in the Retry-After header: once the node is back, the response can be read and resumed again.",
            "server_error", null, "owner_unavailable");
    }

    public static JsonHttpResult<OpenAIErrorEnvelope> ClusterUnavailable(HttpContext context, string id, string reason, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(
            StatusCodes.Status503ServiceUnavailable,
            $"Response '{id}' is not held by this node, and the shared directory (Redis) that says which node holds it cannot be reached ({reason}). Responses held by this node are not affected. Retry after the time in the Retry-After header.",
            "server_error", null, "cluster_unavailable");
    }

    public static JsonHttpResult<OpenAIErrorEnvelope> ClusterListUnavailable(HttpContext context, string reason, int retryAfterSeconds)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Create(
            StatusCodes.Status503ServiceUnavailable,
            $"The list covers the responses of every node, and the shared directory (Redis) that holds it cannot be reached ({reason}). Retry after the time in the Retry-After header.",
            "server_error", null, "cluster_unavailable");
    }

    public static JsonHttpResult<OpenAIErrorEnvelope> ServerError(string message) =>
        Create(StatusCodes.Status500InternalServerError, message, "server_error", null, "server_error");

    public static JsonHttpResult<OpenAIErrorEnvelope> Create(int status, string message, string type, string? param, string? code) =>
        TypedResults.Json(new OpenAIErrorEnvelope(new OpenAIErrorBody(message, type, param, code)), statusCode: status);
}
