using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Changes;
using Resumable.Core.Cursors;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Persistence;
using Resumable.Core.Streaming;

namespace Resumable.Core.Retention;

/// <summary>
/// Releases the memory of finished responses: once a response's hot period is over (or finished responses
/// hold more than <see cref="RetentionOptions.HotBytesLimit"/>, longest-finished first) and all its events
/// are durable, its frames are written once more as a few consolidated records and, when those are
/// committed, the in-memory copy is dropped. From then on replays read the consolidated records.
/// </summary>
internal sealed partial class ResponseCooler(
    ResponseRegistry registry,
    ICursorStore cursors,
    IEventLog eventLog,
    ResumableMetrics metrics,
    ResponseChangeFeed changes,
    IOptions<RetentionOptions> options,
    TimeProvider timeProvider,
    ILogger<ResponseCooler> logger)
{
    private readonly TimeSpan _hotPeriod = options.Value.HotPeriod;
    private readonly long _hotBytesLimit = options.Value.HotBytesLimit;

    /// <summary>Cools every response that is due; returns how many went cold.</summary>
    public async Task<int> CoolAsync(CancellationToken cancellationToken)
    {
        // Consolidation writes to the log: not while it has failed, nor while it does not keep up with what it has.
        if (eventLog.Mode == DurabilityMode.None || eventLog.Fault is not null || eventLog.Saturation is not null)
        {
            return 0;
        }

        // The time is read before the snapshot, which leaves out whatever has expired by its own (later) time:
        // a response is then never found due here while it is already expiring (nothing is written for it).
        var now = timeProvider.GetUtcNow();
        var (candidates, hotBytes) = FinishedHotResponses();
        var consolidating = new List<(ResponseEntry Entry, Task<ColdCopy> Cold)>();
        foreach (var (entry, completedAt, log) in candidates)
        {
            // Longest-finished first: once one is neither past its hot period nor needed to get under the cap,
            // none of the later ones is either.
            if (completedAt + _hotPeriod > now && hotBytes <= _hotBytesLimit)
            {
                break;
            }

            // Only a response whose every event is durable: the consolidated copy must never hold an event that
            // the log might lose. An async commit is milliseconds away, so the next round takes it.
            if (cursors.GetDurable(entry.Id) is not { } durable || durable < log.LastSequenceNumber)
            {
                continue;
            }

            consolidating.Add((entry, eventLog.ConsolidateAsync(entry.Id, log.ReadFrom(0), cancellationToken)));
            hotBytes -= log.ByteCount;
        }

        var cooled = 0;
        foreach (var (entry, consolidation) in consolidating)
        {
            try
            {
                entry.MakeCold(await consolidation.ConfigureAwait(false));
                metrics.ResponseCooled();
                changes.Changed(entry.Id); // its storage is now the write-ahead log
                cooled++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The response stays hot and is retried next round (or stays hot until it expires while the log is failed).
                LogCoolingFailed(ex, entry.Id);
            }
        }

        if (cooled > 0)
        {
            LogCooled(cooled);
        }

        return cooled;
    }

    // Finished responses still in memory, longest-finished first, and the bytes their events hold.
    private (List<(ResponseEntry Entry, DateTimeOffset CompletedAt, ResponseLog Log)> Candidates, long HotBytes) FinishedHotResponses()
    {
        var candidates = new List<(ResponseEntry Entry, DateTimeOffset CompletedAt, ResponseLog Log)>();
        long hotBytes = 0;
        foreach (var entry in registry.Snapshot(tenant: null))
        {
            if (!entry.Request.Store || entry.HotLog is not { IsCompleted: true } log)
            {
                continue;
            }

            DateTimeOffset? completedAt;
            lock (entry.Gate)
            {
                completedAt = entry.Visible.CompletedAt;
            }

            if (completedAt is { } finished)
            {
                candidates.Add((entry, finished, log));
                hotBytes += log.ByteCount;
            }
        }

        candidates.Sort(static (a, b) => a.CompletedAt.CompareTo(b.CompletedAt));
        return (candidates, hotBytes);
    }

    [LoggerMessage(EventIds.ResponsesCooled, LogLevel.Debug, "Released the memory of {Count} finished responses; they replay from the write-ahead log.")]
    private partial void LogCooled(int count);

    [LoggerMessage(EventIds.CoolingFailed, LogLevel.Warning, "Could not move response {ResponseId} to the write-ahead log; it stays in memory.")]
    private partial void LogCoolingFailed(Exception exception, string responseId);
}
