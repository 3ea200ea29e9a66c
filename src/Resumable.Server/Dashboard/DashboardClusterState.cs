namespace Resumable.Server.Dashboard;

/// <summary>The state of the other nodes' part of the feed changed: Redis answers again, or stopped answering.</summary>
/// <param name="ClusterError">Why the other nodes' responses could not be read, or null when they could.</param>
internal sealed record DashboardClusterState(string? ClusterError);
