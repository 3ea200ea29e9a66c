namespace Resumable.Server.Cluster;

/// <summary>The headers by which nodes say who answered and who relayed.</summary>
internal static class NodeHeaders
{
    /// <summary>On every answer: the id of the node that served it (for a relayed request, the owner).</summary>
    public const string Node = "x-resumable-node";

    /// <summary>
    /// On a relayed request and its answer: the node that relayed it. An owner that gets a relayed request for a
    /// response it does not hold answers 404 rather than relaying again, so requests never go round in circles.
    /// </summary>
    public const string RelayedBy = "x-resumable-relayed-by";
}
