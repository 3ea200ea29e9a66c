using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Jobs;
using Resumable.Server.Errors;

namespace Resumable.Server.Cluster;

/// <summary>
/// Finds where a response this node does not hold lives: nowhere (404, also for another tenant's response), on a
/// live node (relayed there), or on a node that is down (503 <c>owner_unavailable</c> with <c>Retry-After</c> and the
/// last status Redis knows). Without Redis (a single node) every such response is simply not found.
/// </summary>
internal sealed class ClusterRouter(IClusterDirectory? directory, NodeRelay? relay, IOptions<NodeOptions> node, IOptions<QueueOptions> queue)
{
    private readonly string _nodeId = node.Value.Id!;

    /// <summary>Routes a request for <paramref name="id"/> of <paramref name="tenant"/>, or of any tenant when it is null (operators).</summary>
    public async Task<ClusterRoute> RouteAsync(string id, string? tenant, HttpContext context)
    {
        // A relayed request reached the owner Redis names, and the owner does not hold it: gone, not elsewhere.
        if (directory is null || relay is null || context.Request.Headers.ContainsKey(NodeHeaders.RelayedBy))
        {
            return OpenAIError.NotFound(id);
        }

        ClusterResponse? response;
        ClusterMember? owner;
        try
        {
            response = await directory.FindResponseAsync(id, context.RequestAborted).ConfigureAwait(false);
            if (response is null || (tenant is not null && !string.Equals(response.Tenant, tenant, StringComparison.Ordinal)) || response.Owner == _nodeId)
            {
                return OpenAIError.NotFound(id);
            }

            owner = await directory.FindNodeAsync(response.Owner, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ClusterUnavailableException e)
        {
            return OpenAIError.ClusterUnavailable(context, id, e.Message, queue.Value.RetryAfterSeconds);
        }

        return owner is null
            ? OpenAIError.OwnerUnavailable(context, response, queue.Value.RetryAfterSeconds)
            : new RelayedResult(relay, owner, response);
    }

    /// <summary>The directory of every node's responses, or null on a single node.</summary>
    public IClusterDirectory? Directory => directory;
}

/// <summary>Where a request for a response this node does not hold goes: relayed to its owner, or an error.</summary>
/// <param name="Relay">The relay to the owner, or null.</param>
/// <param name="Error">The error, when there is no relay.</param>
internal readonly record struct ClusterRoute(RelayedResult? Relay, JsonHttpResult<OpenAIErrorEnvelope>? Error)
{
    public static implicit operator ClusterRoute(RelayedResult relay) => new(relay, null);

    public static implicit operator ClusterRoute(JsonHttpResult<OpenAIErrorEnvelope> error) => new(null, error);
}
