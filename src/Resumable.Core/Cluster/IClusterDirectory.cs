namespace Resumable.Core.Cluster;

/// <summary>
/// What every node can read about the responses and nodes of the whole service (Redis). Each call either answers
/// within its timeout or throws <see cref="ClusterUnavailableException"/>; none waits for a connection to come back.
/// </summary>
public interface IClusterDirectory
{
    /// <summary>Whether the directory can be asked right now and lists this node (connected, heartbeat written since); when not connected, every call fails at once.</summary>
    bool IsReachable { get; }

    /// <summary>The shared record of a response, or null when no node publishes one (never created, deleted or expired).</summary>
    Task<ClusterResponse?> FindResponseAsync(string id, CancellationToken cancellationToken);

    /// <summary>A node whose heartbeat has not run out, or null.</summary>
    Task<ClusterMember?> FindNodeAsync(string nodeId, CancellationToken cancellationToken);

    /// <summary>Every retained response of <paramref name="tenant"/> on every node, in no particular order.</summary>
    Task<IReadOnlyList<ClusterResponse>> ListAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>
    /// Every retained response of every tenant on every node that published one, in no particular order (operators; a
    /// walk over the nodes' indexes, for a modest refresh rate, not for each request of a tenant).
    /// </summary>
    Task<IReadOnlyList<ClusterResponse>> ListAllAsync(CancellationToken cancellationToken);
}
