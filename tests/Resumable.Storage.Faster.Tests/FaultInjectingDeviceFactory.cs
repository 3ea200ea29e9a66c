using FASTER.core;

namespace Resumable.Storage.Faster.Tests;

/// <summary>Creates <see cref="FaultInjectingDevice"/>s over local files.</summary>
internal sealed class FaultInjectingDeviceFactory(int failingWrite, bool forever) : ILogDeviceFactory
{
    public FaultInjectingDevice? Device { get; private set; }

    public IDevice Create(string path) => Device = new FaultInjectingDevice(new LocalLogDeviceFactory().Create(path), failingWrite, forever);
}
