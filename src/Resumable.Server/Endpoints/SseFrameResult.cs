using System.Reflection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Resumable.Core.Entries;
using Resumable.Core.Sequencing;
using Resumable.Core.Streaming;

namespace Resumable.Server.Endpoints;

/// <summary>
/// Streams a response's already-encoded frames (its live log, or a cold copy read back from the event log)
/// as Server-Sent Events from a log position on (the shape of
/// ASP.NET Core's <c>ServerSentEventsResult</c>, but copying our frame bytes instead of serialising per
/// client). Headers tell proxies not to buffer. A foreground stream cancels its job when the client leaves.
/// </summary>
internal sealed class SseFrameResult(
    ResponseEntry entry, ResponseLog log, int position, bool cancelJobOnDisconnect, SseStreamer streamer, ResponseLifecycle lifecycle) : IResult, IEndpointMetadataProvider
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = PrepareStream(httpContext);
        var aborted = httpContext.RequestAborted;
        bool finished;
        using (entry.AttachReader())
        {
            try
            {
                await response.StartAsync(aborted).ConfigureAwait(false);
                finished = await streamer.StreamAsync(log, position, response.BodyWriter, aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                finished = false;
            }
        }

        if (!finished && cancelJobOnDisconnect)
        {
            lifecycle.TryCancel(entry);
        }
    }

    /// <summary>
    /// Sets the status and headers of a Server-Sent Events answer: no caching, no buffering by proxies (nginx reads
    /// <c>X-Accel-Buffering</c>) or by the server's own response body.
    /// </summary>
    internal static HttpResponse PrepareStream(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        return response;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));
}
