using System.Globalization;
using Resumable.Core.Responses;

namespace Resumable.Core.Generation;

/// <summary>
/// The synthetic model's settings for one request: the configured defaults, overridden by metadata keys
/// <c>synthetic_ttft_ms</c>, <c>synthetic_tokens_per_second</c>, <c>synthetic_output_tokens</c> and
/// <c>synthetic_fail_at_token</c> (the 0-based token at which the response fails with <c>generator_failed</c>)
/// and <c>synthetic_emit_timestamps</c> (benchmark mode: each token is the emitting clock's reading).
/// </summary>
public sealed record SyntheticSettings(TimeSpan TimeToFirstToken, double TokensPerSecond, int OutputTokens, int? FailAtToken, bool EmitTimestamps = false)
{
    /// <summary>
    /// Metadata key: <c>true</c> for benchmark mode, where each token is the monotonic clock's reading when it
    /// was emitted (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>, CLOCK_MONOTONIC nanoseconds on
    /// Linux, comparable across processes of one machine) followed by a space, so that a client can measure
    /// emit→receive latency per event.
    /// </summary>
    public const string EmitTimestampsKey = "synthetic_emit_timestamps";

    /// <summary>Metadata key: time to first token in milliseconds (0 to 600,000).</summary>
    public const string TimeToFirstTokenKey = "synthetic_ttft_ms";

    /// <summary>Metadata key: tokens per second (0 = unpaced, up to 10,000,000).</summary>
    public const string TokensPerSecondKey = "synthetic_tokens_per_second";

    /// <summary>Metadata key: output length in tokens (1 to 1,000,000).</summary>
    public const string OutputTokensKey = "synthetic_output_tokens";

    /// <summary>Metadata key: the 0-based token index at which generation fails.</summary>
    public const string FailAtTokenKey = "synthetic_fail_at_token";

    /// <summary>Reads the settings of <paramref name="request"/>; a problem names the bad metadata key.</summary>
    public static SyntheticSettings Parse(ResponseRequest request, SyntheticGeneratorOptions defaults, out RequestProblem? problem)
    {
        problem = null;
        var metadata = request.Metadata;
        var ttft = ReadNumber(metadata, TimeToFirstTokenKey, defaults.TimeToFirstTokenMs, 0, 600_000, ref problem);
        var tps = ReadNumber(metadata, TokensPerSecondKey, defaults.TokensPerSecond, 0, 10_000_000, ref problem);
        var tokens = ReadNumber(metadata, OutputTokensKey, defaults.OutputTokens, 1, 1_000_000, ref problem);
        double? failAt = metadata.ContainsKey(FailAtTokenKey) ? ReadNumber(metadata, FailAtTokenKey, 0, 0, 1_000_000, ref problem) : null;
        var emitTimestamps = false;
        if (metadata.TryGetValue(EmitTimestampsKey, out var emit) && !bool.TryParse(emit, out emitTimestamps))
        {
            problem ??= new RequestProblem($"metadata.{EmitTimestampsKey}", $"Metadata '{EmitTimestampsKey}' must be true or false; got '{emit}'.");
        }

        return new SyntheticSettings(TimeSpan.FromMilliseconds(ttft), tps, (int)tokens, failAt is { } f ? (int)f : null, emitTimestamps);
    }

    private static double ReadNumber(IReadOnlyDictionary<string, string> metadata, string key, double fallback, double min, double max, ref RequestProblem? problem)
    {
        if (!metadata.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max && double.IsFinite(value))
        {
            return value;
        }

        problem ??= new RequestProblem($"metadata.{key}", $"Metadata '{key}' must be a number from {min} to {max}; got '{text}'.");
        return fallback;
    }
}
