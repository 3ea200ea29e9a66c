using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resumable.Core.Cluster;

namespace Resumable.Server.Cluster;

/// <summary>
/// Reports whether this node reaches Redis. Without it the node is degraded, not down: it keeps serving its own
/// responses (so a load balancer should keep it), and only requests for other nodes' responses get 503.
/// </summary>
internal sealed class RedisReadinessCheck(IClusterDirectory directory) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(directory.IsReachable
            ? HealthCheckResult.Healthy("Redis connected; this node is registered.")
            : HealthCheckResult.Degraded("Redis is not connected, or this node's heartbeat has not reached it yet: this node serves its own responses; requests for other nodes' responses get 503 cluster_unavailable until it is back."));
}
