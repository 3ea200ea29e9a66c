using FASTER.core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Resumable.Storage.Faster;
using Resumable.Testing;

namespace Resumable.Server.Tests.Persistence;

/// <summary>
/// A disk whose writes can be made to stall: like FileStream's writes on Linux, each write then holds a thread-pool
/// thread, blocked, until the disk recovers; reads and the files themselves are those of a real local log.
/// </summary>
internal sealed class StallingDisk : ILogDeviceFactory
{
    private readonly ManualResetEventSlim _responding = new(initialState: true);
    private int _heldWrites;

    /// <summary>Writes blocked right now.</summary>
    public int HeldWrites => Volatile.Read(ref _heldWrites);

    public IDevice Create(string path) => new Device(new LocalLogDeviceFactory().Create(path), this);

    /// <summary>Makes a test server's write-ahead log write through this disk.</summary>
    public void ReplaceDevicesOf(IServiceCollection services)
    {
        services.RemoveAll<ILogDeviceFactory>();
        services.AddSingleton<ILogDeviceFactory>(this);
    }

    /// <summary>Every write from now on blocks its thread until <see cref="Recover"/>.</summary>
    public void Stall() => _responding.Reset();

    /// <summary>Held writes go through, and later ones no longer wait.</summary>
    public void Recover() => _responding.Set();

    private void Write(Action write) => ThreadPool.UnsafeQueueUserWorkItem(
        static state =>
        {
            var (disk, write) = state;
            Interlocked.Increment(ref disk._heldWrites);
            disk._responding.Wait();
            Interlocked.Decrement(ref disk._heldWrites);
            write();
        },
        (this, write),
        preferLocal: false);

    private sealed class Device(IDevice inner, StallingDisk disk) : WrappingLogDevice(inner)
    {
        public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context) =>
            disk.Write(() => Inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context));
    }
}
