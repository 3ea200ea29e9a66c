using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>
/// One opened <see cref="FasterLog"/> with the device and the commit manager under it, disposed by whoever leaves
/// it last: its owner (the log, when it reopens in its place or closes) or a cold reader still reading it. So a
/// read that started on an instance finishes on it, even once a reopened instance has taken its place.
/// </summary>
internal sealed class FasterLogInstance(FasterLog log, IDevice device, CheckedLogCommitManager commitManager)
{
    // The owner's reference, plus one per reader in flight; at zero the instance is disposed and can no longer be
    // acquired. Counting (rather than waiting for readers before disposing) means nobody waits for anybody.
    private int _references = 1;
    private int _retired;

    /// <summary>The log.</summary>
    public FasterLog Log { get; } = log;

    /// <summary>The commit manager whose <see cref="CheckedLogCommitManager.Failure"/> the committer checks.</summary>
    public CheckedLogCommitManager CommitManager { get; } = commitManager;

    /// <summary>
    /// Takes a reader's reference; false once the instance has been disposed (its owner retired it and the last
    /// reader left). A true return must be paired with one <see cref="Release"/>.
    /// </summary>
    public bool TryAcquire()
    {
        var references = Volatile.Read(ref _references);
        while (references > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
            {
                return true;
            }

            references = seen;
        }

        return false;
    }

    /// <summary>Gives a reader's reference back; the last one out disposes the log and then its device.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Log.Dispose();
            device.Dispose();
        }
    }

    /// <summary>
    /// The owner lets go (once; later calls do nothing): disposed now if no reader holds it, else when the last
    /// reader releases it.
    /// </summary>
    public void Retire()
    {
        if (Interlocked.Exchange(ref _retired, 1) == 0)
        {
            CommitManager.StopWriting();
            Release();
        }
    }
}
