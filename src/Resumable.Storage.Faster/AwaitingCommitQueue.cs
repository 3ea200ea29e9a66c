using System.Collections.Concurrent;

namespace Resumable.Storage.Faster;

/// <summary>
/// The hand-over from the writer to the committer: every record the writer took, in log order (placed into the
/// log's memory, or kept in its place although the log could not take it), what of it is still uncommitted, and
/// the signal that enough bytes are pending to commit before the interval ends. One writer adds; only the
/// committer (or a reopening or closing, which pause it) takes.
/// </summary>
internal sealed class AwaitingCommitQueue(long commitThresholdBytes)
{
    private readonly ConcurrentQueue<AwaitingCommit> _queue = new();

    // The oldest entry, already taken off the queue, that the last commit did not cover (committer only).
    // The committer takes entries off instead of peeking at them: ConcurrentQueue.TryPeek pins the queue's
    // segment for observation, after which the queue never reuses its slots and allocates new segments
    // all the time (a 64-byte slot per record, and extra full collections under load).
    private AwaitingCommit? _oldest;

    private readonly SemaphoreSlim _commitDue = new(0, 1);

    // An idle committer sleeps on this instead of waking every interval to find nothing (each wake-up is a
    // thread-pool hop, and the pool's worker then spins for work: the cost of an idle node). 1 while it sleeps
    // or is about to; the first Add after that takes it back to 0 and wakes it, once.
    private readonly SemaphoreSlim _entriesArrived = new(0, 1);
    private int _committerIdle;
    private long _pendingBytes;
    private long _pendingRecords;

    /// <summary>Records in the log's memory that no commit has covered yet.</summary>
    public long PendingRecords => Interlocked.Read(ref _pendingRecords);

    /// <summary>Whether any entry awaits the committer. Committer only.</summary>
    public bool HasEntries => _oldest is not null || !_queue.IsEmpty;

    /// <summary>Adds an entry after every one added before it (writer, or a reopening), waking an idle committer.</summary>
    public void Add(in AwaitingCommit entry)
    {
        // Enqueue (a full fence) before the read of the flag; the committer sets the flag (a full fence) before it
        // looks at the queue: one of the two sees the other, so no entry is left behind a sleeping committer.
        _queue.Enqueue(entry);
        if (Volatile.Read(ref _committerIdle) != 0 && Interlocked.Exchange(ref _committerIdle, 0) != 0)
        {
            _entriesArrived.Release();
        }
    }

    /// <summary>Returns once an entry awaits the committer: at once if one does, else when the next is added. Committer only.</summary>
    public Task WaitForEntriesAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _committerIdle, 1);
        if (HasEntries && Interlocked.Exchange(ref _committerIdle, 0) != 0)
        {
            return Task.CompletedTask;
        }

        // Either nothing is there, or an Add took the flag back already and released the signal: take it.
        return _entriesArrived.WaitAsync(cancellationToken);
    }

    /// <summary>Counts <paramref name="records"/> placed into the log's memory.</summary>
    public void AddPendingRecords(int records) => Interlocked.Add(ref _pendingRecords, records);

    /// <summary>Counts bytes placed into the log's memory; past the threshold, a commit is due at once.</summary>
    public void AddPendingBytes(long bytes)
    {
        if (Interlocked.Add(ref _pendingBytes, bytes) >= commitThresholdBytes && _commitDue.CurrentCount == 0)
        {
            try
            {
                _commitDue.Release();
            }
            catch (SemaphoreFullException)
            {
                // The committer is already signalled.
            }
        }
    }

    /// <summary>Waits until a commit is due: <paramref name="delay"/> has passed, or enough bytes are pending.</summary>
    public Task WaitForCommitDueAsync(TimeSpan delay, CancellationToken cancellationToken) => _commitDue.WaitAsync(delay, cancellationToken);

    /// <summary>A commit is starting: the bytes pending so far are in it.</summary>
    public void CommitStarting() => Interlocked.Exchange(ref _pendingBytes, 0);

    /// <summary><paramref name="records"/> taken off by the committer were committed.</summary>
    public void Committed(long records) => Interlocked.Add(ref _pendingRecords, -records);

    /// <summary>A reopened log holds nothing uncommitted. With the committer paused.</summary>
    public void Reopened()
    {
        Interlocked.Exchange(ref _pendingBytes, 0);
        Interlocked.Exchange(ref _pendingRecords, 0);
    }

    /// <summary>Takes the oldest entry, in log order. Committer only (or with it paused).</summary>
    public bool TryTakeOldest(out AwaitingCommit entry)
    {
        if (_oldest is { } oldest)
        {
            _oldest = null;
            entry = oldest;
            return true;
        }

        return _queue.TryDequeue(out entry);
    }

    /// <summary>Puts back the entry just taken, which the commit did not cover: it is the oldest again. Committer only.</summary>
    public void KeepOldest(in AwaitingCommit entry) => _oldest = entry;
}
