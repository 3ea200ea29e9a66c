namespace Resumable.Server.Upstream;

/// <summary>What one upstream streaming event says, whichever the protocol.</summary>
/// <param name="Content">UTF-8 text of an output delta, or null.</param>
/// <param name="Finished">Whether the upstream says its output is finished (a finish reason, a terminal event).</param>
/// <param name="IncompleteReason">Why it stopped short (<c>max_output_tokens</c>, <c>content_filter</c>), or null.</param>
/// <param name="InputTokens">The input tokens it reports, or null.</param>
/// <param name="OutputTokens">The output tokens it reports, or null.</param>
/// <param name="Error">The message of an error it reports, or null.</param>
internal readonly record struct UpstreamChunk(byte[]? Content, bool Finished, string? IncompleteReason, int? InputTokens, int? OutputTokens, string? Error);
