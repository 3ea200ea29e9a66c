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
}
