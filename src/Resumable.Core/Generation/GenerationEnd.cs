namespace Resumable.Core.Generation;

/// <summary>How a generator's output ended, as the model reports it.</summary>
/// <param name="IncompleteReason">Why it stopped short (<c>max_output_tokens</c>, <c>content_filter</c>), or null when it finished.</param>
/// <param name="InputTokens">The input tokens the model counted, or null to keep the generator's own count.</param>
/// <param name="OutputTokens">The output tokens the model counted, or null to keep the chunk count.</param>
public sealed record GenerationEnd(string? IncompleteReason, int? InputTokens, int? OutputTokens);
