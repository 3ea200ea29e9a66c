using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>Creates the storage device under the log; replaceable so tests can inject faults.</summary>
internal interface ILogDeviceFactory
{
    /// <summary>A device for the log file at <paramref name="path"/>, recovering the segments already there.</summary>
    IDevice Create(string path);
}
