using FASTER.core;

namespace Resumable.Storage.Faster.Tests;

/// <summary>
/// A log device over a real local one whose writes fail with an I/O error when its <see cref="Disk"/> says so
/// (the Nth write to the disk, once or for ever, or every write while the disk is bad).
/// </summary>
internal sealed class FaultInjectingDevice : StorageDeviceBase
{
    private const uint IoError = 5; // EIO
    private readonly IDevice _inner;

    public FaultInjectingDevice(IDevice inner, FaultInjectingDeviceFactory disk)
        : base(inner.FileName, inner.SectorSize, inner.Capacity)
    {
        _inner = inner;
        Disk = disk;
    }

    /// <summary>The disk the device writes to: it decides which writes fail.</summary>
    public FaultInjectingDeviceFactory Disk { get; }

    public override void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
    {
        base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        _inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        if (Disk.NextWriteFails())
        {
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
