namespace Resumable.Storage.Faster;

/// <summary>
/// Whether the log has failed, and why: set by the writer or the committer on a storage error, cleared by the
/// reopening. While set, nothing is written and nothing after the last good commit is reported durable.
/// </summary>
internal sealed class WalFault
{
    private volatile string? _message;

    // Cancelled when the log faults, so that a writer waiting for log memory stops waiting; renewed on reopen.
    private CancellationTokenSource _faulted = new();

    /// <summary>Why the log has failed, or null while it is healthy.</summary>
    public string? Message => _message;

    /// <summary>
    /// Cancelled once the log faults. Read by the writer, which is also the task that renews it (by reopening),
    /// so it never sees a stale one.
    /// </summary>
    public CancellationToken Token => _faulted.Token;

    /// <summary>
    /// The log has failed (the first reason is kept). Called by the writer or the committer; the records awaiting
    /// commit are left to the committer, which drains them at its next round, in order.
    /// </summary>
    public void Set(string message)
    {
        _message ??= message;
        _faulted.Cancel();
    }

    /// <summary>The log has reopened and is healthy again. Only by the reopening, with the committer paused.</summary>
    public void Clear()
    {
        _faulted = new CancellationTokenSource();
        _message = null;
    }
}
