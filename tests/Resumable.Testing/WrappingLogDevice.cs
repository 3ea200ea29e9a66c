using FASTER.core;

namespace Resumable.Testing;

/// <summary>
/// A log device over a real one that passes everything through; a test device overrides
/// <see cref="WriteAsync"/> to make the disk fail or stall.
/// </summary>
public abstract class WrappingLogDevice(IDevice inner) : StorageDeviceBase(inner.FileName, inner.SectorSize, inner.Capacity)
{
    /// <summary>The real device underneath.</summary>
    protected IDevice Inner { get; } = inner;

    public override void Initialize(long segmentSize, LightEpoch? epoch = null, bool omitSegmentIdFromFilename = false)
    {
        base.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
        Inner.Initialize(segmentSize, epoch, omitSegmentIdFromFilename);
    }

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context) =>
        Inner.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);

    public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
        Inner.ReadAsync(segmentId, sourceAddress, destinationAddress, readLength, callback, context);

    public override void RemoveSegmentAsync(int segment, AsyncCallback callback, IAsyncResult result) =>
        Inner.RemoveSegmentAsync(segment, callback, result);

    public override long GetFileSize(int segment) => Inner.GetFileSize(segment);

    public override void Dispose() => Inner.Dispose();
}
