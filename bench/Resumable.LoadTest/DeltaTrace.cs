namespace Resumable.LoadTest;

/// <summary>What one stream of the fake's deltas looked like from the client.</summary>
/// <param name="FirstDeltaMs">Request sent → first content delta received (for background + GET, the create request).</param>
/// <param name="Deltas">Content deltas received.</param>
/// <param name="Latencies">The fake's send → the client's receive, per delta, in milliseconds.</param>
internal sealed record DeltaTrace(double FirstDeltaMs, int Deltas, List<double> Latencies);
