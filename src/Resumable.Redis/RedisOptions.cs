using System.ComponentModel.DataAnnotations;

namespace Resumable.Redis;

/// <summary>Redis, which holds the cursors and the node registry the nodes share. Section <c>Resumable:Redis</c>.</summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string (e.g. <c>redis:6379</c> or <c>host:6379,password=…,ssl=true</c>).
    /// Unset (the default): the node runs alone, with its cursors in memory.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key the service writes, so that several deployments can share one Redis. Default <c>resumable:</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:._-]{0,64}$", ErrorMessage = "Resumable:Redis:KeyPrefix must be at most 64 letters, digits, ':', '.', '_' or '-'.")]
    public string KeyPrefix { get; set; } = "resumable:";

    /// <summary>How long one connection attempt may take. Default 5 seconds; 100 ms to 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request waits for Redis at most (a lookup of another node's response, a list); past it the request
    /// gets 503. Default 2 seconds; 10 ms to 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The least time between two publications of cursors: commits within it are sent together, so a node sends at
    /// most one pipelined batch per interval however fast it commits. Default 50 ms; 0 (one batch per commit) to 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
