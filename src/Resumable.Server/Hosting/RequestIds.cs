using System.Buffers;
using Microsoft.Extensions.Primitives;

namespace Resumable.Server.Hosting;

/// <summary>
/// Gives every request an id, answered in <c>x-request-id</c> (as OpenAI's API does; its SDKs put it into their
/// errors) and carried by every log line written while the request runs (scope property <c>XRequestId</c>).
/// </summary>
/// <remarks>
/// A caller's own id is kept when it is a plain token, so that a load balancer's or a relaying node's id follows the
/// request onto the node that answers it; anything else is replaced, since it would reach logs and headers verbatim.
/// The id is also set on the request itself, which is how a relay passes it on.
/// </remarks>
internal static class RequestIds
{
    /// <summary>The header, on requests and answers.</summary>
    public const string Header = "x-request-id";

    private const int MaxLength = 128;

    private static readonly SearchValues<char> TokenCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    /// <summary>Adds the middleware; it must run before anything that answers or logs.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Resumable.Requests");
        return app.Use(async (context, next) =>
        {
            var id = Accept(context.Request.Headers[Header]) ?? "req_" + Guid.NewGuid().ToString("N");
            context.Request.Headers[Header] = id;
            context.Response.Headers[Header] = id;
            context.TraceIdentifier = id;
            using (logger.BeginScope(new RequestIdScope(id)))
            {
                await next(context).ConfigureAwait(false);
            }
        });
    }

    private static string? Accept(StringValues presented) =>
        presented.Count == 1 && presented[0] is { Length: > 0 and <= MaxLength } id && !id.AsSpan().ContainsAnyExcept(TokenCharacters) ? id : null;
}
