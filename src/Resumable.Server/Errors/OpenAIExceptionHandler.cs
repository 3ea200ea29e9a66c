using Microsoft.AspNetCore.Diagnostics;

namespace Resumable.Server.Errors;

/// <summary>
/// Turns exceptions that escape an endpoint into OpenAI-shaped errors: a bad request the server detected
/// (<see cref="BadHttpRequestException"/>, e.g. a body over Kestrel's limit) keeps its 4xx status;
/// anything else is a 500 that reveals no internals.
/// </summary>
internal sealed class OpenAIExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => OpenAIError.Create(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", OpenAIError.InvalidRequest, null, "request_too_large"),
            BadHttpRequestException bad => OpenAIError.Create(bad.StatusCode, bad.Message, OpenAIError.InvalidRequest, null, null),
            _ => OpenAIError.ServerError("The server had an error while processing your request."),
        };

        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
