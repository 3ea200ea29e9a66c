using Microsoft.Extensions.Diagnostics.HealthChecks;
using Resumable.Core.Persistence;

namespace Resumable.Server.Endpoints;

/// <summary>Ready while the write-ahead log can persist new responses: it has not failed and keeps up with the load.</summary>
internal sealed class EventLogReadinessCheck(IEventLog eventLog) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            eventLog.Fault is { } fault ? HealthCheckResult.Unhealthy($"Write-ahead log faulted: {fault}")
            : eventLog.Saturation is { } saturation ? HealthCheckResult.Unhealthy($"Write-ahead log saturated: {saturation}")
            : HealthCheckResult.Healthy($"Durability {eventLog.Mode}."));
}
