using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

/// <summary>A test class with a fresh log directory of its own, deleted afterwards, and the bound on every wait.</summary>
public abstract class WalTests(string directoryName) : IDisposable
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    protected TempDirectory LogDirectory { get; } = new(directoryName);

    public void Dispose()
    {
        LogDirectory.Dispose();
        GC.SuppressFinalize(this);
    }
}
