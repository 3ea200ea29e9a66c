using Xunit;

namespace Resumable.Testing;

/// <summary>
/// Redis (Testcontainers) and two nodes, <c>node-a</c> and <c>node-b</c>, sharing it: a test class fixture, or one
/// test's own through <see cref="StartAsync"/>.
/// </summary>
public class TwoNodeCluster : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>A cluster of the test's own (for a test that breaks it), stopped when disposed.</summary>
    public static async Task<TwoNodeCluster> StartAsync()
    {
        var cluster = new TwoNodeCluster();
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

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

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

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
