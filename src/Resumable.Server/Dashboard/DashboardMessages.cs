namespace Resumable.Server.Dashboard;

/// <summary>The first message of the feed: every retained response of every node, as this node knows them.</summary>
/// <param name="Node">The id of the node that serves the feed.</param>
/// <param name="Clustered">Whether other nodes' responses are included (Redis is configured).</param>
/// <param name="ClusterError">Why the other nodes' responses could not be read, or null.</param>
/// <param name="Responses">The rows, newest first.</param>
internal sealed record DashboardSnapshot(string Node, bool Clustered, string? ClusterError, List<DashboardRow> Responses);

/// <summary>Rows that are new or changed since the feed last sent them.</summary>
/// <param name="Responses">The rows as they are now.</param>
internal sealed record DashboardUpsert(List<DashboardRow> Responses);

/// <summary>Responses that are gone (deleted, expired, or no longer in Redis).</summary>
/// <param name="Ids">Their ids.</param>
internal sealed record DashboardRemoval(List<string> Ids);

/// <summary>The state of the other nodes' part of the feed changed: Redis answers again, or stopped answering.</summary>
/// <param name="ClusterError">Why the other nodes' responses could not be read, or null when they could.</param>
internal sealed record DashboardClusterState(string? ClusterError);
