using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Responses;

namespace Resumable.Core.Retention;

/// <summary>Releases the memory of responses whose retention has run out, every <see cref="RetentionOptions.SweepInterval"/>.</summary>
internal sealed partial class RetentionSweeper(
    ResponseRegistry registry,
    IOptions<RetentionOptions> options,
    TimeProvider timeProvider,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    /// <summary>Runs one sweep now; returns how many responses were released.</summary>
    public int Sweep()
    {
        var removed = registry.RemoveExpired();
        if (removed > 0)
        {
            LogExpired(removed);
        }

        return removed;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Diagnostics.EventIds.ResponsesExpired, LogLevel.Debug, "Released {Count} expired responses from memory.")]
    private partial void LogExpired(int count);
}
