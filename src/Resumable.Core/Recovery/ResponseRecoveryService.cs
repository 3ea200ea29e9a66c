using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Diagnostics;
using Resumable.Core.Persistence;
using Resumable.Core.Retention;
using Resumable.Core.Sequencing;

namespace Resumable.Core.Recovery;

/// <summary>
/// Restores the retained responses from the event log at start-up, before the workers start and before the
/// server accepts requests. A response that was in flight when the previous process stopped ends with
/// <c>response.failed</c> (code <c>server_restarted</c>), numbered <see cref="RecoveryGap"/> above its last
/// durable event, so that no number a client saw is ever reused for other content. That event is made only of
/// what is durable (its time is that of the response's last durable record), so a second crash before it is
/// committed makes the next start-up emit the very same bytes under the same number.
/// </summary>
internal sealed partial class ResponseRecoveryService(
    IEventLog eventLog,
    ResponseRegistry registry,
    ResponseLifecycle lifecycle,
    IOptions<RetentionOptions> retention,
    TimeProvider timeProvider,
    ILogger<ResponseRecoveryService> logger) : IHostedService
{
    /// <summary>
    /// How far above the last durable event the recovery event is numbered: 2^32. Every event sequenced but
    /// not yet durable lived in this process's memory (a running response keeps all its frames), and each
    /// frame takes over 100 bytes, so fewer than 2^32 such events can exist; numbers a client saw before the
    /// crash are therefore all below the recovery event's number.
    /// </summary>
    public const long RecoveryGap = 1L << 32;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var recovered = await eventLog.RecoverAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        int restored = 0, interrupted = 0, expired = 0;
        foreach (var response in recovered)
        {
            var entry = ResponseRestorer.Restore(response, publishesOnCommit: eventLog.Mode == DurabilityMode.Sync);

            // An interrupted response ended when it stopped making progress: at its last durable record.
            var stoppedAt = DateTimeOffset.FromUnixTimeMilliseconds(response.LastRecordAtMs);
            if ((entry.CompletedAt ?? stoppedAt) + retention.Value.Retention <= now)
            {
                eventLog.Release(response.ResponseId);
                expired++;
                continue;
            }

            if (!entry.IsTerminal)
            {
                var lastDurable = response.Frames.Count == 0 ? -1 : response.Frames[^1].SequenceNumber;
                lifecycle.TryFailInterrupted(entry, lastDurable + RecoveryGap, stoppedAt);
                interrupted++;
            }

            registry.Add(entry);
            restored++;
        }

        if (recovered.Count > 0)
        {
            LogRecovered(restored, interrupted, expired, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventIds.Recovered, LogLevel.Information, "Recovered {Restored} responses from the event log ({Interrupted} interrupted and ended with server_restarted, {Expired} already expired) in {Milliseconds:F1} ms.")]
    private partial void LogRecovered(int restored, int interrupted, int expired, double milliseconds);
}
