using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Storage.Faster;

namespace Resumable.Server.Cluster;

/// <summary>
/// Fills in the node id when it is not configured. A node that shares Redis keeps it in the id file of its
/// write-ahead log's directory (it must survive restarts: it names the owner of every response); a node alone
/// only shows it on its answers, and takes a fresh one per process rather than write a file it does not need.
/// </summary>
internal sealed class NodeOptionsSetup(IOptions<WalOptions> wal, bool shared) : IPostConfigureOptions<NodeOptions>
{
    public void PostConfigure(string? name, NodeOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Id))
        {
            options.Id = shared ? NodeIdFile.ReadOrCreate(Path.GetFullPath(wal.Value.Directory)) : NodeIdFile.NewId();
        }
    }
}
