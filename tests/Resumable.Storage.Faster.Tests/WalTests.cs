using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

/// <summary>A test class with a fresh log directory of its own, deleted afterwards, and the bound on every wait.</summary>
public abstract class WalTests(string directoryName) : IDisposable
{
    /// <summary>How long any wait may take before it counts as a hang (<see cref="Eventually.HangBound"/>).</summary>
    protected static readonly TimeSpan Bound = Eventually.HangBound;

    protected TempDirectory LogDirectory { get; } = new(directoryName);

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Bound"/> has passed; the caller asserts.</summary>
    protected static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }
    }

    public void Dispose()
    {
        LogDirectory.Dispose();
        GC.SuppressFinalize(this);
    }
}
