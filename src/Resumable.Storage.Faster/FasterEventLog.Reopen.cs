using System.Diagnostics;
using System.Threading.Channels;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Reopening after a storage error. A FasterLog instance that hit a write error stays failed, so the writer
/// task, while the log is failed, tries every <see cref="WalOptions.ReopenInterval"/> to replace it: dispose
/// it, recover the last good commit exactly as at start-up, and commit a probe record. Until that succeeds
/// new responses are refused (503); afterwards they are admitted again. Responses that lost a record to the
/// failure are persisted no further (their durable cursors stop at the hole) and finish from memory.
/// </summary>
internal sealed partial class FasterEventLog
{
    private long _nextReopenTimestamp;
    private long _reopens;

    // Waits for queued records; while the log is failed, wakes up for each reopening attempt.
    private async ValueTask<bool> WaitForRecordsAsync(ChannelReader<PendingRecord> reader)
    {
        while (true)
        {
            if (_fault is null)
            {
                if (_drained > 0 && GatherTime < _options.CommitInterval)
                {
                    _drained = 0;
                    await Task.Delay(GatherTime).ConfigureAwait(false);
                }

                try
                {
                    // A fault (set by the committer) wakes the writer, so that it starts reopening.
                    return await reader.WaitToReadAsync(_faulted.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_fault is not null)
                {
                    continue;
                }
            }

            var untilAttempt = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Volatile.Read(ref _nextReopenTimestamp));
            if (untilAttempt <= TimeSpan.Zero)
            {
                await TryReopenAsync().ConfigureAwait(false);
                Volatile.Write(ref _nextReopenTimestamp, Stopwatch.GetTimestamp() + (long)(_options.ReopenInterval.TotalSeconds * Stopwatch.Frequency));
                continue;
            }

            // Records that arrive meanwhile are dropped (and their responses marked) by the loop, in order.
            var records = reader.WaitToReadAsync().AsTask();
            if (await Task.WhenAny(records, Task.Delay(untilAttempt)).ConfigureAwait(false) == records)
            {
                return await records.ConfigureAwait(false);
            }
        }
    }

    private async Task TryReopenAsync()
    {
        // No commit runs meanwhile; the writer (this task) writes nothing meanwhile.
        await _commitLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _disposed) == 1 || _stopRequested)
            {
                return;
            }

            var fault = _fault!;
            AbandonAwaitingCommit(fault);

            // The failed instance goes out of use; a cold read still on it disposes it when it is done.
            _active.Close();
            FasterLogInstance instance;
            try
            {
                instance = await _opener.ReopenAsync(_active.DurableUntil).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _logger.WalReopenFailed(ex.Message);
                return;
            }

            _active.Open(instance);
            var log = instance.Log;
            _committedBeginAddress = log.BeginAddress;
            _retention.Reopened(log.BeginAddress);
            Interlocked.Exchange(ref _pendingBytes, 0);
            Interlocked.Exchange(ref _pendingRecords, 0);
            _faulted = new CancellationTokenSource();
            while (_deletionsToRewrite.TryDequeue(out var responseId))
            {
                var deletion = new PendingRecord(new WalRecordHeader(WalRecordKind.Deleted, WalRecordFlags.None, responseId, -1, NowMs()), ReadOnlyMemory<byte>.Empty);
                _awaitingCommit.Enqueue(AwaitingCommit.Of(deletion, log.Enqueue(new WalLogEntry(deletion))));
            }

            Interlocked.Increment(ref _reopens);
            _fault = null;
            _logger.WalReopened(Directory, fault, log.CommittedUntilAddress, _unpersistable.Count);
        }
        finally
        {
            _commitLock.Release();
        }
    }
}
