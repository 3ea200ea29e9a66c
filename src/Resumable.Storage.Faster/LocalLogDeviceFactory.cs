using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>The default device: local files, one per segment.</summary>
internal sealed class LocalLogDeviceFactory : ILogDeviceFactory
{
    public IDevice Create(string path) => Devices.CreateLogDevice(path, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
}
