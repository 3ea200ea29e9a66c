namespace Resumable.Cli.Bench;

/// <summary>
/// What one response of a bench run measured, in milliseconds: from sending the create to its first event and to its
/// first text delta, and the gaps between consecutive text deltas; or the error that ended it.
/// </summary>
internal sealed record ResponseSample(int Events, double? FirstEventMs, double? FirstDeltaMs, IReadOnlyList<double> GapsMs, string? Error);
