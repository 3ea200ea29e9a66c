using FASTER.core;

namespace Resumable.Storage.Faster.Tests;

/// <summary>
/// A disk for <see cref="FaultInjectingDevice"/>s over local files: its Nth write (1-based, counted across every
/// device, so across a reopened log too) fails, once or with every later one, and every write fails while it is
/// made bad by hand, until it is healed. Without a failing write, only the hand decides.
/// </summary>
internal sealed class FaultInjectingDeviceFactory(int failingWrite = int.MaxValue, bool forever = false) : ILogDeviceFactory
{
    private int _writes;
    private int _failedWrites;
    private volatile bool _bad;

    /// <summary>How many writes have failed.</summary>
    public int FailedWrites => Volatile.Read(ref _failedWrites);

    public IDevice Create(string path) => new FaultInjectingDevice(new LocalLogDeviceFactory().Create(path), this);

    /// <summary>Every write fails from now on, until <see cref="Heal"/>.</summary>
    public void StartFailing() => _bad = true;

    /// <summary>Writes succeed again.</summary>
    public void Heal() => _bad = false;

    /// <summary>Counts a write; true when it is to fail.</summary>
    public bool NextWriteFails()
    {
        var write = Interlocked.Increment(ref _writes);
        var fails = _bad || write == failingWrite || (forever && write > failingWrite);
        if (fails)
        {
            Interlocked.Increment(ref _failedWrites);
        }

        return fails;
    }
}
