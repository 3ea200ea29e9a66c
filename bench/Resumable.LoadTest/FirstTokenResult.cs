namespace Resumable.LoadTest;

/// <summary>Request sent → first content delta received, in milliseconds, sorted, per path (in the run's path order), with the fake's time to first token at <paramref name="UpstreamFirstTokenMs"/>.</summary>
internal sealed record FirstTokenResult(int UpstreamFirstTokenMs, IReadOnlyList<List<double>> ByPath);
