using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Resumable.Server.Endpoints;

/// <summary>
/// A 200 answer whose JSON body is already encoded (a response object rendered under its lock, or a list of
/// them), optionally with the <c>openai-poll-after-ms</c> hint for responses that are not finished.
/// </summary>
internal sealed class Utf8JsonResult(byte[] body, int? pollAfterMilliseconds = null) : IResult, IEndpointMetadataProvider
{
    /// <summary>The header suggesting when to poll an unfinished response again.</summary>
    public const string PollAfterHeader = "openai-poll-after-ms";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        if (pollAfterMilliseconds is { } pollAfter)
        {
            response.Headers[PollAfterHeader] = pollAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(object), ["application/json"]));
}
