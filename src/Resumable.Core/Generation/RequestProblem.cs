namespace Resumable.Core.Generation;

/// <summary>Why a request cannot be accepted, naming the offending parameter.</summary>
/// <param name="Param">The parameter, in the error's <c>param</c> field (e.g. <c>metadata.synthetic_ttft_ms</c>).</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record RequestProblem(string Param, string Message);
