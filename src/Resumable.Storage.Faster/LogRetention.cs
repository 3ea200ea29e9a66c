using FASTER.core;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// Reclaims the space of expired and deleted responses. Every retained response pins the log from its creation
/// record on (this registry holds those first addresses); once the oldest pinned address moves up, the log is
/// truncated to it after a commit, and FasterLog deletes the segment files wholly below it at the next commit. A
/// response that runs for a long time keeps everything after its creation.
/// </summary>
internal sealed class LogRetention
{
    // Creation-record address of every response still retained, guarded by _gate together with
    // _placementsWaiting so that truncation never passes a record the writer has placed but not yet registered.
    private readonly Dictionary<string, long> _firstAddress = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _placementsWaiting;

    // Committer only (and the reopening, which pauses the committer).
    private long _lastTruncatedTo;

    /// <summary>
    /// Holds truncation off while the writer places records into the log and registers them with
    /// <see cref="Placed"/>; disposing the scope lets truncation run again. Never held across an await.
    /// </summary>
    public Lock.Scope EnterPlacement() => _gate.EnterScope();

    /// <summary>Registers a record placed at <paramref name="address"/>. Only inside <see cref="EnterPlacement"/>.</summary>
    public void Placed(in WalRecordHeader header, long address)
    {
        if (header.Kind == WalRecordKind.Created)
        {
            _firstAddress[header.ResponseId] = address;
        }
    }

    /// <summary>
    /// A record goes the slow way (the log's memory is full) and will be placed at some later moment: no truncation
    /// runs until <see cref="DoneWaiting"/>. Only inside <see cref="EnterPlacement"/>, in the scope in which the
    /// fast attempt failed.
    /// </summary>
    public void WaitingForRoom() => _placementsWaiting++;

    /// <summary>The slow placement is over: placed at <paramref name="address"/>, or not at all (-1).</summary>
    public void DoneWaiting(in WalRecordHeader header, long address)
    {
        lock (_gate)
        {
            if (address >= 0)
            {
                Placed(header, address);
            }

            _placementsWaiting--;
        }
    }

    /// <summary>A response is no longer retained (deleted or expired): it pins nothing any more.</summary>
    public void Forget(string responseId)
    {
        lock (_gate)
        {
            _firstAddress.Remove(responseId);
        }
    }

    /// <summary>Registers a creation record found by recovery at <paramref name="address"/>.</summary>
    public void Recovered(string responseId, long address)
    {
        lock (_gate)
        {
            _firstAddress[responseId] = address;
        }
    }

    /// <summary>A reopened log starts from <paramref name="beginAddress"/>. Committer paused.</summary>
    public void Reopened(long beginAddress) => _lastTruncatedTo = beginAddress;

    /// <summary>
    /// Called after each commit: truncates to the oldest creation record still retained (or to the committed end
    /// when nothing is retained), never beyond what is committed. Committer only.
    /// </summary>
    public void TruncateReleased(FasterLog log)
    {
        long until;
        lock (_gate)
        {
            if (_placementsWaiting > 0)
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
