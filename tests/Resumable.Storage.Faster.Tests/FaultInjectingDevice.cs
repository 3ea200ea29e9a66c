using FASTER.core;

namespace Resumable.Storage.Faster.Tests;

/// <summary>
/// A log device that fails its Nth write (1-based) with an I/O error, either once or that write and every
/// later one, and otherwise passes everything to a real local device.
/// </summary>
internal sealed class FaultInjectingDevice : StorageDeviceBase
{
    private const uint IoError = 5; // EIO
    private readonly IDevice _inner;
    private readonly int _failingWrite;
    private readonly bool _forever;
    private int _writes;

    public FaultInjectingDevice(IDevice inner, int failingWrite, bool forever)
        : base(inner.FileName, inner.SectorSize, inner.Capacity)
    {
        _inner = inner;
        _failingWrite = failingWrite;
        _forever = forever;
    }

    /// <summary>How many writes have failed.</summary>
    public int FailedWrites { get; private set; }

    public override void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
    {
        base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        _inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        var write = Interlocked.Increment(ref _writes);
        if (write == _failingWrite || (_forever && write > _failingWrite))
        {
            FailedWrites++;
            callback(IoError, 0, context);
            return;
        }

        _inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);
    }

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
        _inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
        _inner.RemoveSegmentAsync(segment, callback, result);

    public override long GetFileSize(int segment) => _inner.GetFileSize(segment);

    public override void Dispose() => _inner.Dispose();
}
