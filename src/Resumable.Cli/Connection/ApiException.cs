using System.Net;

namespace Resumable.Cli.Connection;

/// <summary>The server answered with an error: its status, its message (OpenAI error shape) and its request id when it sent one.</summary>
internal sealed class ApiException(HttpStatusCode status, string message, string? requestId) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string? RequestId { get; } = requestId;

    /// <summary>Whether trying again later may succeed (429, 5xx).</summary>
    public bool IsTransient => Status == HttpStatusCode.TooManyRequests || (int)Status >= 500;

    public int ExitCode => Status switch
    {
        HttpStatusCode.NotFound or HttpStatusCode.Gone => ExitCodes.NotFound,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ExitCodes.Unauthorized,
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity => ExitCodes.Usage,
        _ => ExitCodes.ServerOrConnection,
    };
}
