namespace Resumable.Core.Cluster;

/// <summary>A live node as its last heartbeat described it.</summary>
/// <param name="Id">Its node id.</param>
/// <param name="InternalUrl">How the other nodes reach its API.</param>
/// <param name="StartedAt">When its process started.</param>
/// <param name="HeartbeatAt">When it last said it was alive.</param>
public sealed record ClusterMember(string Id, Uri InternalUrl, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt);
