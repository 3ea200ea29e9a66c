namespace Resumable.LoadTest;

/// <summary>The shape of the <c>--cluster</c> run: the full one, or with <c>--quick</c> a smaller one.</summary>
/// <param name="Resumes">Resumes per kind of response (finished, running) and per path (direct, relayed).</param>
/// <param name="UnpacedRounds">Rounds of the unpaced workload per path.</param>
/// <param name="UnpacedStreams">Unpaced responses created and read at once in a round.</param>
/// <param name="UnpacedTokens">Tokens of each unpaced response.</param>
/// <param name="PacedRounds">Rounds of the paced workload per path.</param>
/// <param name="PacedStreams">Concurrent paced streams per round.</param>
/// <param name="PacedTokens">Tokens of each paced stream.</param>
/// <param name="PacedTokensPerSecond">Pace of each paced stream.</param>
/// <param name="IdleSeconds">How long the nodes' CPU is read with nothing to do, for their idle floor.</param>
internal sealed record ClusterSettings(int Resumes, int UnpacedRounds, int UnpacedStreams, int UnpacedTokens, int PacedRounds, int PacedStreams, int PacedTokens, double PacedTokensPerSecond, int IdleSeconds)
{
    public static ClusterSettings Full { get; } = new(Resumes: 300, UnpacedRounds: 4, UnpacedStreams: 4, UnpacedTokens: 250_000, PacedRounds: 3, PacedStreams: 50, PacedTokens: 200, PacedTokensPerSecond: 50, IdleSeconds: 5);

    public static ClusterSettings Quick { get; } = new(Resumes: 50, UnpacedRounds: 1, UnpacedStreams: 2, UnpacedTokens: 50_000, PacedRounds: 1, PacedStreams: 50, PacedTokens: 200, PacedTokensPerSecond: 50, IdleSeconds: 2);
}
