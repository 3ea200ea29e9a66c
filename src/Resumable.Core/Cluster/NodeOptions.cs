using System.ComponentModel.DataAnnotations;

namespace Resumable.Core.Cluster;

/// <summary>This node among several. Section <c>Resumable:Node</c>.</summary>
public sealed class NodeOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Node";

    /// <summary>
    /// The node's id, unique among the nodes sharing one Redis; letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at
    /// most 64. Default: an id generated once into the data directory (<c>node-id</c> beside the write-ahead log),
    /// so a restarted node is the same node and owns its responses again.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "Resumable:Node:Id must be 1 to 64 letters, digits, '.', '_' or '-'.")]
    public string? Id { get; set; }

    /// <summary>
    /// How the other nodes reach this node's API (an absolute http or https URL, e.g. <c>http://node-a:8080</c>).
    /// Required when Redis is configured.
    /// </summary>
    public Uri? InternalUrl { get; set; }

    /// <summary>How often the node tells Redis it is alive. Default 2 seconds; 100 ms to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a heartbeat counts: a node silent for longer is taken as down, and requests for its responses are
    /// answered 503 <c>owner_unavailable</c>. Default 10 seconds; must exceed twice the heartbeat interval plus the Redis command timeout.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "00:10:00")]
    public TimeSpan HeartbeatTtl { get; set; } = TimeSpan.FromSeconds(10);
}
