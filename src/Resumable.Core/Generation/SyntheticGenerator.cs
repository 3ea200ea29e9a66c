using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Options;
using Resumable.Core.Responses;

namespace Resumable.Core.Generation;

/// <summary>
/// The default model, <c>synthetic</c>: deterministic text derived from the input (the same input always
/// yields the same output), mixing ASCII, accented Latin, CJK and emoji. Tokens with multi-byte characters
/// are deliberately delivered split inside a character, so the pipeline's UTF-8 joining is always exercised.
/// Paced by <see cref="SyntheticSettings"/> on the injected clock.
/// </summary>
internal sealed class SyntheticGenerator(IOptions<SyntheticGeneratorOptions> options, TimeProvider timeProvider) : IGenerator
{
    /// <summary>The model name this generator serves.</summary>
    public const string ModelName = "synthetic";

    private const int YieldEveryTokens = 32;

    private static readonly string[] Vocabulary =
    [
        "stream", "resume", "durable", "event", "cursor", "replay", "token", "log", "commit", "batch",
        "réponse", "naïve", "Grüße", "façade", "日志", "流式", "恢复", "数据", "持久化", "再開",
        "🚀", "🧵", "✅", "👩‍💻", "🇯🇵", "ok", "memory", "speed", "exactly", "once",
    ];

    private static readonly byte[][] Tokens = Vocabulary.Select(w => Encoding.UTF8.GetBytes(w + " ")).ToArray();

    /// <inheritdoc />
    public bool Serves(string model) => string.Equals(model, ModelName, StringComparison.Ordinal);

    /// <inheritdoc />
    public RequestProblem? Validate(ResponseRequest request)
    {
        SyntheticSettings.Parse(request, options.Value, out var problem);
        return problem;
    }

    /// <inheritdoc />
    public int CountInputTokens(ResponseRequest request)
    {
        var count = 0;
        foreach (var message in request.Input)
        {
            foreach (var part in message.Parts)
            {
                count += part.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GeneratedChunk> GenerateAsync(ResponseRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var settings = SyntheticSettings.Parse(request, options.Value, out _);
        var random = new XorShift(Seed(request));
        var started = timeProvider.GetTimestamp();
        for (var index = 0; index < settings.OutputTokens; index++)
        {
            var due = settings.TimeToFirstToken + (settings.TokensPerSecond > 0 ? TimeSpan.FromSeconds(index / settings.TokensPerSecond) : TimeSpan.Zero);
            var wait = due - timeProvider.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Unpaced, this loop never awaits anything: without a yield now and then a long response would hold
                // a thread-pool thread for its whole run and starve what else needs one (the WAL committer, I/O
                // completions, readers) on a small machine. A real model backend awaits its I/O anyway.
                if (index % YieldEveryTokens == YieldEveryTokens - 1)
                {
                    await Task.Yield();
                }
            }

            if (index == settings.FailAtToken)
            {
                throw new GenerationFailedException("generator_failed", $"The synthetic model failed at token {index}, as requested by metadata '{SyntheticSettings.FailAtTokenKey}'.");
            }

            if (settings.EmitTimestamps)
            {
                yield return new GeneratedChunk(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Stopwatch.GetTimestamp()} ")), EndsToken: true);
                continue;
            }

            var token = Tokens[random.Next(Tokens.Length)];
            var split = SplitInsideCharacter(token);
            if (split > 0)
            {
                yield return new GeneratedChunk(token.AsMemory(0, split), EndsToken: false);
                yield return new GeneratedChunk(token.AsMemory(split), EndsToken: true);
            }
            else
            {
                yield return new GeneratedChunk(token, EndsToken: true);
            }
        }
    }

    // The offset just after the first byte of the first multi-byte character, or 0 for ASCII-only tokens.
    private static int SplitInsideCharacter(byte[] token)
    {
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] >= 0xC0)
            {
                return i + 1;
            }
        }

        return 0;
    }

    // FNV-1a over the instructions and input: stable across processes and runtimes (string.GetHashCode is not).
    private static ulong Seed(ResponseRequest request)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes((request.Instructions ?? string.Empty) + "\u0000" + request.InputText))
        {
            hash = (hash ^ b) * 0x100000001B3UL;
        }

        return hash == 0 ? 0x9E3779B97F4A7C15UL : hash;
    }

    /// <summary>A tiny deterministic PRNG whose sequence never depends on the runtime version.</summary>
    private struct XorShift(ulong state)
    {
        private ulong _state = state;

        public int Next(int exclusiveMax)
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            return (int)(_state % (ulong)exclusiveMax);
        }
    }
}
