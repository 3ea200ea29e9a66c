namespace Resumable.LoadTest;

/// <summary>The figures of one <c>--upstream</c> run; every list in the order of <paramref name="Paths"/>, the direct path first.</summary>
/// <param name="Settings">The shape the run had.</param>
/// <param name="StartedUtc">When it started.</param>
/// <param name="Duration">How long it took, start-up of the fake and the server included.</param>
/// <param name="Paths">The paths' names.</param>
/// <param name="FirstTokens">Time to first token, per upstream time to first token.</param>
/// <param name="Paced">The paced load, per path of <paramref name="Paths"/> and last the synthetic model for comparison.</param>
/// <param name="Direct">The fake's listener for the direct client, over the whole run.</param>
/// <param name="Server">The fake's listener for the server, over the whole run.</param>
internal sealed record UpstreamResult(
    UpstreamSettings Settings,
    DateTime StartedUtc,
    TimeSpan Duration,
    IReadOnlyList<string> Paths,
    IReadOnlyList<FirstTokenResult> FirstTokens,
    IReadOnlyList<UpstreamLoad> Paced,
    (int Requests, int Connections) Direct,
    (int Requests, int Connections) Server);
