using Xunit;

namespace Resumable.Testing;

/// <summary>Redis (Testcontainers) and two nodes, <c>node-a</c> and <c>node-b</c>, sharing it: a test class fixture.</summary>
public class TwoNodeCluster : IAsyncLifetime
{
    /// <summary>Whether the nodes run without API keys (for a browser's EventSource, which cannot send one).</summary>
    protected virtual bool Open => false;

    /// <summary>The shared Redis.</summary>
    public RedisServer Redis { get; private set; } = null!;

    /// <summary>The first node.</summary>
    public ClusterNode NodeA { get; private set; } = null!;

    /// <summary>The second node.</summary>
    public ClusterNode NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        var a = ClusterNode.StartAsync("node-a", Redis.Configuration, open: Open);
        var b = ClusterNode.StartAsync("node-b", Redis.Configuration, open: Open);
        NodeA = await a;
        NodeB = await b;
    }

    public async Task DisposeAsync()
    {
        NodeA?.Dispose();
        NodeB?.Dispose();
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
