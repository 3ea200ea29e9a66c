using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;

namespace Resumable.Redis;

/// <summary>Validates <see cref="NodeOptions"/> of a node that shares Redis: its DataAnnotations, an internal URL, and a TTL that outlives two heartbeats.</summary>
[OptionsValidator]
internal sealed partial class NodeOptionsDataAnnotationsValidator : IValidateOptions<NodeOptions>;

/// <summary>The checks of <see cref="NodeOptions"/> that DataAnnotations cannot express.</summary>
internal sealed class NodeOptionsValidator(IOptions<RedisOptions> redis) : IValidateOptions<NodeOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new NodeOptionsDataAnnotationsValidator().Validate(name, options));
        if (options.InternalUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            builder.AddError(
                "Resumable:Node:InternalUrl must be set to an absolute http or https URL (how the other nodes reach this node, e.g. http://node-a:8080) when Resumable:Redis:Configuration is set.",
                nameof(NodeOptions.InternalUrl));
        }

        // A beat comes an interval after the previous one ended, and one may take up to the command timeout.
        var commandTimeout = redis.Value.CommandTimeout;
        if (options.HeartbeatTtl <= 2 * options.HeartbeatInterval + commandTimeout)
        {
            builder.AddError(
                $"Resumable:Node:HeartbeatTtl ({options.HeartbeatTtl}) must exceed twice Resumable:Node:HeartbeatInterval ({options.HeartbeatInterval}) plus Resumable:Redis:CommandTimeout ({commandTimeout}), or one late heartbeat takes a live node for a dead one.",
                nameof(NodeOptions.HeartbeatTtl));
        }

        return builder.Build();
    }
}
