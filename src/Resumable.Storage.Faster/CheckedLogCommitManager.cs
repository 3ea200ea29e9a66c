using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>
/// Writes FasterLog's commit records into the slots of a <see cref="CommitSlotFile"/> and, unlike FASTER's own
/// manager, does not swallow a failed write: FasterLog would still report such a commit as done. FasterLog cannot
/// take an exception here (its commit worker would never complete the commit), so the failure is kept for the
/// committer, which checks <see cref="Failure"/> after each commit and treats it as a commit failure. Hand-written
/// because no served package offers a checked commit manager.
/// </summary>
internal sealed class CheckedLogCommitManager(CommitRecords records) : ILogCommitManager
{
    private volatile string? _failure;

    // Opened at the first commit: an instance that only recovers writes nothing. FasterLog commits one at a time;
    // the lock only makes StopWriting wait for a write in progress (held for that synchronous write, never across an await).
    private readonly Lock _writing = new();
    private CommitSlotFile? _slots;
    private bool _stopped;

    /// <summary>Why a commit record could not be written, or null while all were.</summary>
    public string? Failure => _failure;

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        lock (_writing)
        {
            if (_stopped)
            {
                _failure ??= $"Commit record {commitNum} came after the log instance was retired; not written.";
                return;
            }

            try
            {
                (_slots ??= CommitSlotFile.Open(records.DirectoryPath)).Write(commitNum, commitMetadata);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _failure ??= $"Writing commit record {commitNum} failed: {ex.Message}";
            }
        }
    }

    /// <summary>
    /// Writes no commit record from now on, once a write in progress is done: the instance is retired, and a record
    /// it wrote late would take the slot of a newer commit of the instance reopened in its place.
    /// </summary>
    public void StopWriting()
    {
        lock (_writing)
        {
            _stopped = true;
        }
    }

    public byte[] GetCommitMetadata(long commitNum) => records.Read(commitNum);

    public IEnumerable<long> ListCommits() => records.List();

    public void RemoveCommit(long commitNum) => records.Remove(commitNum);

    public void RemoveAllCommits()
    {
        foreach (var commit in records.List())
        {
            records.Remove(commit);
        }
    }

    public void OnRecovery(long commitNum)
    {
        // Older commits stay in their slots until newer ones take them, to fall back on.
    }

    public void Dispose()
    {
        lock (_writing)
        {
            _stopped = true;
            _slots?.Dispose();
        }
    }
}
