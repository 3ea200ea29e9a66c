using FASTER.core;
using Resumable.Storage.Faster;

namespace Resumable.Testing;

/// <summary>
/// A disk whose reads can be held: <see cref="HoldReads"/> makes every read of the devices created so far wait,
/// without holding a thread, until <see cref="ReleaseReads"/> sends them to the files as they are then. Devices
/// created later (a log reopened after a fault) read at once, and writes always go through. The devices are those
/// <paramref name="createInner"/> makes (local files by default), so that holding composes with a failing disk.
/// </summary>
public sealed class ReadHoldingDisk(Func<string, IDevice>? createInner = null) : ILogDeviceFactory
{
    private const uint IoError = 5; // EIO

    private readonly Func<string, IDevice> _createInner = createInner ?? new LocalLogDeviceFactory().Create;
    private readonly Lock _gate = new();
    private readonly List<Device> _devices = [];
    private readonly List<HeldRead> _held = [];

    /// <summary>Reads waiting for <see cref="ReleaseReads"/> right now.</summary>
    public int HeldReads
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    public IDevice Create(string path)
    {
        var device = new Device(_createInner(path), this);
        lock (_gate)
        {
            _devices.Add(device);
        }

        return device;
    }

    /// <summary>Every read of the devices created so far waits from now on, until <see cref="ReleaseReads"/>.</summary>
    public void HoldReads()
    {
        lock (_gate)
        {
            foreach (var device in _devices)
            {
                device.Holding = true;
            }
        }
    }

    /// <summary>The held reads go to the files now, in the order they were made; later ones no longer wait.</summary>
    public void ReleaseReads()
    {
        List<HeldRead> held;
        lock (_gate)
        {
            foreach (var device in _devices)
            {
                device.Holding = false;
            }

            held = [.. _held];
            _held.Clear();
        }

        foreach (var read in held)
        {
            read.Issue();
        }
    }

    // Held, or issued at once; decided under the gate so that a release never misses a read.
    private void Read(Device device, in HeldRead read)
    {
        lock (_gate)
        {
            if (device.Holding)
            {
                _held.Add(read);
                return;
            }
        }

        read.Issue();
    }

    private readonly record struct HeldRead(IDevice Device, int SegmentId, ulong SourceAddress, IntPtr DestinationAddress, uint ReadLength, DeviceIOCompletionCallback Callback, object Context)
    {
        // A device that refuses the read (closed meanwhile) reports it as a failed read, as a disk error would be.
        public void Issue()
        {
            try
            {
                Device.ReadAsync(SegmentId, SourceAddress, DestinationAddress, ReadLength, Callback, Context);
            }
            catch (Exception)
            {
                Callback(IoError, 0, Context);
            }
        }
    }

    private sealed class Device(IDevice inner, ReadHoldingDisk disk) : WrappingLogDevice(inner)
    {
        public volatile bool Holding;

        public override void ReadAsync(int segmentId, ulong sourceAddress, IntPtr destinationAddress, uint readLength, DeviceIOCompletionCallback callback, object context) =>
            disk.Read(this, new HeldRead(Inner, segmentId, sourceAddress, destinationAddress, readLength, callback, context));
    }
}
