using Resumable.Core.Responses;

namespace Resumable.Core.Generation;

/// <summary>
/// A model backend. The pipeline asks it for UTF-8 chunks and does everything else (sequencing,
/// streaming, persistence, cancellation), so adding a real backend touches nothing but its own class.
/// </summary>
public interface IGenerator
{
    /// <summary>Whether this generator serves <paramref name="model"/>.</summary>
    bool Serves(string model);

    /// <summary>Checks generator-specific settings of a request before it is admitted; null when acceptable.</summary>
    RequestProblem? Validate(ResponseRequest request);

    /// <summary>Counts the input tokens of a request, for the usage report.</summary>
    int CountInputTokens(ResponseRequest request);

    /// <summary>
    /// Generates the output as UTF-8 chunks. A chunk may end inside a multi-byte character; the pipeline
    /// joins such pieces before emitting text. Throw <see cref="GenerationFailedException"/> to fail the
    /// response with a code; stop promptly when <paramref name="cancellationToken"/> fires.
    /// </summary>
    IAsyncEnumerable<GeneratedChunk> GenerateAsync(ResponseRequest request, CancellationToken cancellationToken);
}
