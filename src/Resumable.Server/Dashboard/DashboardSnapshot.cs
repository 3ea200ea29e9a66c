namespace Resumable.Server.Dashboard;

/// <summary>The first message of the feed: every retained response of every node, as this node knows them.</summary>
/// <param name="Node">The id of the node that serves the feed.</param>
/// <param name="Clustered">Whether other nodes' responses are included (Redis is configured).</param>
/// <param name="ClusterError">Why the other nodes' responses could not be read, or null.</param>
/// <param name="Responses">The rows, newest first.</param>
internal sealed record DashboardSnapshot(string Node, bool Clustered, string? ClusterError, List<DashboardRow> Responses);
