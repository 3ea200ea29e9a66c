namespace Resumable.Testing;

/// <summary>
/// A clock whose wall time tests move by hand (Microsoft.Extensions.TimeProvider.Testing is not available
/// here). Timers and timestamps stay real, so periodic loops keep running; only "now" is under control.
/// </summary>
public sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    /// <summary>Starts at a fixed, recognisable instant.</summary>
    public FakeTimeProvider()
        : this(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    /// <summary>Moves "now" forward.</summary>
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
