using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resumable.Core.Jobs;

namespace Resumable.Server.Endpoints;

/// <summary>Ready while the job queue can admit another response.</summary>
internal sealed class QueueReadinessCheck(JobQueue queue) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(queue.Depth < queue.Capacity
            ? HealthCheckResult.Healthy($"Queue {queue.Depth}/{queue.Capacity}.")
            : HealthCheckResult.Unhealthy($"Queue full ({queue.Capacity})."));
}
