using FASTER.core;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Reclaiming the space of expired and deleted responses. Every retained response pins the log from its
/// creation record on; once the oldest pinned address moves up, the log is truncated to it and FasterLog
/// deletes the segment files wholly below it at the next commit. A response that runs for a long time
/// keeps everything after its creation.
/// </summary>
internal sealed partial class FasterEventLog
{
    // Creation-record address of every response still retained, guarded by _liveGate together with
    // _enqueuesInFlight so that truncation never passes a record the writer has placed but not yet registered.
    private readonly Dictionary<string, long> _firstAddress = new(StringComparer.Ordinal);
    private readonly Lock _liveGate = new();
    private int _enqueuesInFlight;
    private long _lastTruncatedTo;

    private async ValueTask<long> EnqueueAsync(FasterLog log, WalLogEntry entry, WalRecordHeader header)
    {
        lock (_liveGate)
        {
            if (log.TryEnqueue(entry, out var address))
            {
                Register(header, address);
                return address;
            }

            _enqueuesInFlight++;
        }

        try
        {
            // The log's memory is full until a flush completes: the slow path waits here, never the producer. A
            // fault or shutdown ends the wait.
            using var stopOrFault = CancellationTokenSource.CreateLinkedTokenSource(_faulted.Token, _stopping.Token);
            var address = await log.EnqueueAsync(entry, stopOrFault.Token).ConfigureAwait(false);
            lock (_liveGate)
            {
                Register(header, address);
            }

            return address;
        }
        finally
        {
            lock (_liveGate)
            {
                _enqueuesInFlight--;
            }
        }
    }

    private void Register(WalRecordHeader header, long address)
    {
        if (header.Kind == WalRecordKind.Created)
        {
            _firstAddress[header.ResponseId] = address;
        }
    }

    private void Forget(string responseId)
    {
        lock (_liveGate)
        {
            _firstAddress.Remove(responseId);
        }
    }

    // Called after each commit: truncates to the oldest creation record still retained (or to the committed
    // end when nothing is retained), never beyond what is committed.
    private void TruncateReleased(FasterLog log)
    {
        long until;
        lock (_liveGate)
        {
            if (_enqueuesInFlight > 0)
            {
                return;
            }

            var oldest = log.CommittedUntilAddress;
            foreach (var address in _firstAddress.Values)
            {
                oldest = Math.Min(oldest, address);
            }

            until = oldest;
        }

        if (until > log.BeginAddress && until > _lastTruncatedTo)
        {
            log.TruncateUntil(until);
            _lastTruncatedTo = until;
        }
    }
}
