using System.Net.Http.Headers;
using Xunit;

namespace Resumable.Testing;

/// <summary>Redis, two nodes and a real nginx running the deployment's own <c>deploy/nginx.conf</c>: a test class fixture.</summary>
public class NginxCluster : IAsyncLifetime
{
    private readonly TwoNodeCluster _nodes;

    public NginxCluster()
        : this(new TwoNodeCluster())
    {
    }

    protected NginxCluster(TwoNodeCluster nodes) => _nodes = nodes;

    /// <summary>The two nodes and their Redis.</summary>
    public TwoNodeCluster Nodes => _nodes;

    /// <summary>The load balancer.</summary>
    public NginxProcess Nginx { get; private set; } = null!;

    /// <summary>A client of the load balancer.</summary>
    public HttpClient Client(string key = TestKeys.TenantA)
    {
        var client = new HttpClient { BaseAddress = Nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task InitializeAsync()
    {
        await _nodes.InitializeAsync();
        Nginx = await NginxProcess.StartAsync(_nodes.NodeA, _nodes.NodeB);
    }

    public async Task DisposeAsync()
    {
        Nginx?.Dispose();
        await _nodes.DisposeAsync();
    }
}

/// <summary>The same with nodes that have no API keys, for a browser's EventSource (which cannot send one).</summary>
public sealed class OpenNginxCluster() : NginxCluster(new OpenTwoNodeCluster());

/// <summary>Two nodes without API keys.</summary>
public sealed class OpenTwoNodeCluster : TwoNodeCluster
{
    protected override bool Open => true;
}
