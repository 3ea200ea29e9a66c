using System.ComponentModel.DataAnnotations;

namespace Resumable.Core.Retention;

/// <summary>How long finished responses stay retrievable and replayable. Section <c>Resumable:Retention</c>.</summary>
public sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Retention";

    /// <summary>How long a response stays retrievable after its terminal event. Default 10 minutes; 1 second to 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often expired responses are released from memory. Default 5 seconds; 10 ms to 1 hour.
    /// Expired responses answer 404 at once regardless; the sweep only frees their memory.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a finished response's events stay in memory (hot) before their memory copy is released and
    /// replays read them from the write-ahead log (cold). Default 1 minute; 0 to 7 days. With durability
    /// <c>None</c>, and for <c>store: false</c> responses, events stay in memory until the response expires.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan HotPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The most bytes of events finished responses may keep in memory; above it the longest-finished go cold
    /// before their hot period ends. Default 256 MiB; 0 (cold as soon as durable) to 1 TiB. Running responses
    /// always stay in memory and do not count.
    /// </summary>
    [Range(typeof(long), "0", "1099511627776")]
    public long HotBytesLimit { get; set; } = 256L << 20;
}
