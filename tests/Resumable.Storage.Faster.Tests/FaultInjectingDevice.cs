using FASTER.core;
using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

/// <summary>
/// A log device over a real local one whose writes fail with an I/O error when its disk says so (the Nth write
/// to the disk, once or for ever, or every write while the disk is bad).
/// </summary>
internal sealed class FaultInjectingDevice(IDevice inner, FaultInjectingDeviceFactory disk) : WrappingLogDevice(inner)
{
    private const uint IoError = 5; // EIO

    public override void WriteAsync(IntPtr sourceAddress, int segmentId, ulong destinationAddress, uint numBytesToWrite, DeviceIOCompletionCallback callback, object context)
    {
        if (disk.NextWriteFails())
        {
            callback(IoError, 0, context);
            return;
        }

        base.WriteAsync(sourceAddress, segmentId, destinationAddress, numBytesToWrite, callback, context);
    }
}
