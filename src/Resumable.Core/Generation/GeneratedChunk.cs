namespace Resumable.Core.Generation;

/// <summary>A piece of generated output.</summary>
/// <param name="Utf8">UTF-8 bytes; may end or begin inside a character.</param>
/// <param name="EndsToken">Whether a token ends with this chunk (counts toward usage and <c>max_output_tokens</c>).</param>
public readonly record struct GeneratedChunk(ReadOnlyMemory<byte> Utf8, bool EndsToken);
