using FASTER.core;
using Resumable.Storage.Faster;

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

    private sealed class Device(IDevice inner, StallingDisk disk) : StorageDeviceBase(inner.FileName, inner.SectorSize, inner.Capacity)
    {
        public override void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
        {
            base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
            inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        }

        public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context) =>
            disk.Write(() => inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context));

        public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
            inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);

        public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
            inner.RemoveSegmentAsync(segment, callback, result);

        public override long GetFileSize(int segment) => inner.GetFileSize(segment);

        public override void Dispose() => inner.Dispose();
    }
}
