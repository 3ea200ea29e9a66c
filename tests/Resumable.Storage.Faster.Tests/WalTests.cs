using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

/// <summary>A test class with a fresh log directory of its own, deleted afterwards, and the bound on every wait.</summary>
public abstract class WalTests(string directoryName) : IDisposable
{
    /// <summary>How long any wait may take before it counts as a hang (<see cref="Eventually.HangBound"/>).</summary>
    protected static readonly TimeSpan Bound = Eventually.HangBound;

    protected TempDirectory LogDirectory { get; } = new(directoryName);

    /// <summary>Waits until <paramref name="condition"/> holds; a wait past <see cref="Bound"/> fails as a hang.</summary>
    protected static Task WaitUntilAsync(Func<bool> condition) => Eventually.UntilAsync(condition, "the log's state", bound: Bound);

    public void Dispose()
    {
        LogDirectory.Dispose();
        GC.SuppressFinalize(this);
    }
}
