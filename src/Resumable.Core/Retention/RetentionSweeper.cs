using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Persistence;

namespace Resumable.Core.Retention;

/// <summary>
/// Every <see cref="RetentionOptions.SweepInterval"/>: releases responses whose retention has run out (their
/// memory, and their records in the event log, which then forgets their durable cursors in log order and
/// reclaims their space),
/// then lets the <see cref="ResponseCooler"/> move finished responses past their hot period to the log. Cooling
/// waits for commits; expiry never waits for it, so responses still expire on time while the disk stalls.
/// </summary>
internal sealed partial class RetentionSweeper(
    ResponseRegistry registry,
    IEventLog eventLog,
    ResponseCooler cooler,
    IOptions<RetentionOptions> options,
    TimeProvider timeProvider,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    /// <summary>Runs one sweep now; returns how many responses were released (from memory and the log).</summary>
    public int Sweep()
    {
        var removed = registry.RemoveExpired();
        foreach (var id in removed)
        {
            eventLog.Release(id);
        }

        if (removed.Count > 0)
        {
            LogExpired(removed.Count);
        }

        return removed.Count;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        var cooling = Task.CompletedTask;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();

                // One cooling round at a time, beside the sweeps: a round stuck on a commit skips later rounds
                // instead of holding up expiry.
                if (cooling.IsCompleted)
                {
                    cooling = cooler.CoolAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        try
        {
            await cooling;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Diagnostics.EventIds.ResponsesExpired, LogLevel.Debug, "Released {Count} expired responses from memory.")]
    private partial void LogExpired(int count);
}
