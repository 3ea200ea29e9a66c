using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resumable.Core.Persistence;

namespace Resumable.Server.Endpoints;

/// <summary>Ready while the write-ahead log can persist new responses.</summary>
internal sealed class EventLogReadinessCheck(IEventLog eventLog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(eventLog.Fault is { } fault
            ? HealthCheckResult.Unhealthy($"Write-ahead log faulted: {fault}")
            : HealthCheckResult.Healthy($"Durability {eventLog.Mode}."));
}
