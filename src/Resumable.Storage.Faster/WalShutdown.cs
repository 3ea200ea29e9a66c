namespace Resumable.Storage.Faster;

/// <summary>
/// How far stopping the log has got, for the writer, the committer and the reopening to see: stop requested, loops
/// told to end, commits in flight given up on (a disk that does not keep up), closed.
/// </summary>
internal sealed class WalShutdown
{
    private readonly CancellationTokenSource _stopping = new();

    // Cancelled once stopping has waited ShutdownTimeout: a commit still in flight is no longer waited for.
    private readonly CancellationTokenSource _abandonCommits = new();
    private int _abandoned;
    private int _disposed;
    private volatile bool _stopRequested;

    /// <summary>Cancelled when the loops are to end; a writer waiting for log memory stops waiting.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Whether the loops have been told to end.</summary>
    public bool IsStopping => _stopping.IsCancellationRequested;

    /// <summary>Cancelled when a commit in flight is no longer waited for; nothing of it is reported durable.</summary>
    public CancellationToken CommitsAbandoned => _abandonCommits.Token;

    /// <summary>Whether stopping or closing has begun: no reopening starts any more.</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>Whether closing has begun: no commit starts any more.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    /// <summary>Stopping has begun.</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Closing begins; false when it had already begun (the container disposes once per registration).</summary>
    public bool TryBeginDispose() => Interlocked.Exchange(ref _disposed, 1) == 0;

    /// <summary>Tells the loops to end.</summary>
    public Task EndLoopsAsync() => _stopping.CancelAsync();

    /// <summary>Whether the disk is to be given up on now: true once, for whoever gets here first.</summary>
    public bool BeginAbandon() => Interlocked.Exchange(ref _abandoned, 1) == 0;

    /// <summary>
    /// Gives up on what the disk has not done yet (after <see cref="BeginAbandon"/>): commits in flight are no
    /// longer waited for, and the loops end.
    /// </summary>
    public async Task AbandonAsync()
    {
        await _abandonCommits.CancelAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
    }
}
