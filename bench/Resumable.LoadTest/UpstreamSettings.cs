namespace Resumable.LoadTest;

/// <summary>The shape of the <c>--upstream</c> run: the full one, or with <c>--quick</c> a smaller one.</summary>
/// <param name="FirstTokenSamples">Time-to-first-token samples per path and upstream time to first token.</param>
/// <param name="UpstreamFirstTokenMs">The fake's times to first token the samples are taken with.</param>
/// <param name="FirstTokenTokens">Deltas of each sampled stream (unpaced after the first).</param>
/// <param name="SampleSpacingMs">With a non-zero upstream time to first token, how far apart samples start (they overlap while they wait); 60 ms puts every first delta of a 200 ms upstream 20 ms from the nearest request.</param>
/// <param name="PacedRounds">Rounds of the paced load per path.</param>
/// <param name="PacedStreams">Concurrent streams in a paced round.</param>
/// <param name="PacedTokens">Deltas of each paced stream.</param>
/// <param name="PacedTokensPerSecond">The fake's pace per stream.</param>
/// <param name="PacedFirstTokenMs">The fake's time to first token in a paced round: long enough that a background response's reader attaches before its first delta.</param>
internal sealed record UpstreamSettings(int FirstTokenSamples, int[] UpstreamFirstTokenMs, int FirstTokenTokens, int SampleSpacingMs, int PacedRounds, int PacedStreams, int PacedTokens, double PacedTokensPerSecond, int PacedFirstTokenMs)
{
    public static UpstreamSettings Full { get; } = new(FirstTokenSamples: 200, UpstreamFirstTokenMs: [0, 200], FirstTokenTokens: 4, SampleSpacingMs: 60, PacedRounds: 3, PacedStreams: 50, PacedTokens: 200, PacedTokensPerSecond: 50, PacedFirstTokenMs: 1_000);

    public static UpstreamSettings Quick { get; } = new(FirstTokenSamples: 50, UpstreamFirstTokenMs: [0, 200], FirstTokenTokens: 4, SampleSpacingMs: 60, PacedRounds: 1, PacedStreams: 50, PacedTokens: 200, PacedTokensPerSecond: 50, PacedFirstTokenMs: 1_000);
}
