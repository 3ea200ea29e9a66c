using System.ComponentModel.DataAnnotations;

namespace Resumable.Core.Jobs;

/// <summary>The job queue and its workers. Section <c>Resumable:Queue</c>.</summary>
public sealed class QueueOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Queue";

    /// <summary>How many admitted responses may wait for a worker; beyond it new ones get 429. Default 1,000; 1 to 1,000,000.</summary>
    [Range(1, 1_000_000)]
    public int Capacity { get; set; } = 1_000;

    /// <summary>How many responses generate at once. Default 64; 1 to 10,000.</summary>
    [Range(1, 10_000)]
    public int Workers { get; set; } = 64;

    /// <summary>The <c>Retry-After</c> value sent with a 429 (queue full) and a 503 <c>storage_unavailable</c>, in seconds. Default 1; 1 to 3,600.</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
