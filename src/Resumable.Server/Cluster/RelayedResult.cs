using Resumable.Core.Cluster;

namespace Resumable.Server.Cluster;

/// <summary>The answer to a request for another node's response: whatever its owner answers, relayed.</summary>
internal sealed class RelayedResult(NodeRelay relay, ClusterMember owner, ClusterResponse response) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext) => relay.RelayAsync(httpContext, owner, response);
}
