namespace Resumable.Core.Responses;

/// <summary>The <c>error</c> object of a failed response.</summary>
/// <param name="Code">A stable machine-readable code, e.g. <c>server_error</c> or <c>generator_failed</c>.</param>
/// <param name="Message">A human-readable explanation.</param>
public sealed record ResponseError(string Code, string Message);
