using System.Diagnostics;

namespace Resumable.Testing;

/// <summary>
/// Waits for an observable state instead of sleeping: looks at a condition again and again, with a tiny yield
/// between looks, until it holds. The bound is generous (<see cref="HangBound"/>) so that only a hang reaches it,
/// never a slow or busy machine: no test depends on how fast anything happens.
/// </summary>
public static class Eventually
{
    /// <summary>How long a test waits for anything before it calls it a hang: 30 seconds.</summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan BetweenLooks = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Completes once <paramref name="condition"/> holds. Between looks it runs <paramref name="betweenLooks"/>, if
    /// given (a test that drives a fake clock moves it there). Throws <see cref="TimeoutException"/> naming
    /// <paramref name="what"/> after <paramref name="bound"/> (default <see cref="HangBound"/>). The one place a test
    /// pauses between looks at an observable state.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Action? betweenLooks = null, TimeSpan? bound = null)
    {
        var limit = bound ?? HangBound;
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"Still waiting for {what} after {limit.TotalSeconds:F0} s.");
            }

            betweenLooks?.Invoke();
            await Task.Delay(BetweenLooks);
        }
    }

    /// <inheritdoc cref="UntilAsync(Func{Task{bool}}, string, Action?, TimeSpan?)"/>
    public static Task UntilAsync(Func<bool> condition, string what, Action? betweenLooks = null, TimeSpan? bound = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, betweenLooks, bound);
}
