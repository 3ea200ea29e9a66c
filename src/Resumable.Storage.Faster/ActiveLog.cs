using System.Diagnostics.CodeAnalysis;
using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>
/// The <see cref="FasterLogInstance"/> in use, replaced when the log reopens after a storage fault, and the address
/// of the last good commit. The writer and the committer use the instance as it is (they never overlap a
/// replacement: the writer reopens the log itself, and the committer is paused meanwhile); cold readers, which run
/// at any moment, lease it.
/// </summary>
internal sealed class ActiveLog
{
    private volatile FasterLogInstance? _instance;
    private long _durableUntil;

    /// <summary>The instance in use, or null while none is open (before start-up, during a reopening, after closing).</summary>
    public FasterLogInstance? Instance => _instance;

    /// <summary>The log in use, or null while none is open.</summary>
    public FasterLog? Log => _instance?.Log;

    /// <summary>The committed address of the last good commit: a reopened log must recover at least this far.</summary>
    public long DurableUntil => Volatile.Read(ref _durableUntil);

    /// <summary>Records a good commit up to <paramref name="committedUntil"/>.</summary>
    public void Committed(long committedUntil) => Volatile.Write(ref _durableUntil, committedUntil);

    /// <summary>Puts a freshly opened instance in use; what it recovered counts as committed.</summary>
    public void Open(FasterLogInstance instance)
    {
        Committed(instance.Log.CommittedUntilAddress);
        _instance = instance;
    }

    /// <summary>
    /// Takes the instance out of use and retires it: new readers no longer find it, and it is disposed once the
    /// readers still on it are done.
    /// </summary>
    public void Close() => Interlocked.Exchange(ref _instance, null)?.Retire();

    /// <summary>
    /// Leases the instance in use for a read; false while none is open. A leased instance stays usable until it is
    /// given back with <see cref="FasterLogInstance.Release"/>, whatever replaces it meanwhile.
    /// </summary>
    public bool TryLease([NotNullWhen(true)] out FasterLogInstance? instance)
    {
        while (_instance is { } current)
        {
            if (current.TryAcquire())
            {
                instance = current;
                return true;
            }

            // Disposed between the look and the lease: it was taken out of use first, so the next look finds its
            // successor or nothing.
        }

        instance = null;
        return false;
    }
}
