using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Storage.Faster;

namespace Resumable.Server.Cluster;

/// <summary>Fills in the node id, when not configured, from the id file in the write-ahead log's directory.</summary>
internal sealed class NodeOptionsSetup(IOptions<WalOptions> wal) : IPostConfigureOptions<NodeOptions>
{
    public void PostConfigure(string? name, NodeOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Id))
        {
            options.Id = NodeIdFile.ReadOrCreate(Path.GetFullPath(wal.Value.Directory));
        }
    }
}
