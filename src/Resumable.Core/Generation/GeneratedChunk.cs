namespace Resumable.Core.Generation;

/// <summary>A piece of generated output.</summary>
/// <param name="Utf8">UTF-8 bytes; may end or begin inside a character.</param>
/// <param name="EndsToken">Whether a token ends with this chunk (counts toward usage and <c>max_output_tokens</c>).</param>
/// <param name="End">
/// Set on the last chunk of a generator that knows how its output ended (an upstream model): the usage it reports
/// and whether it stopped short. Nothing after it is read.
/// </param>
public readonly record struct GeneratedChunk(ReadOnlyMemory<byte> Utf8, bool EndsToken, GenerationEnd? End = null);
