using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.System.Tests.Cluster;

/// <summary>Redis, two nodes and a real nginx running the deployment's own <c>deploy/nginx.conf</c>.</summary>
public sealed class NginxCluster : IAsyncLifetime
{
    private readonly TwoNodeCluster _nodes = new();

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

public class NginxClusterTests(NginxCluster cluster) : IClassFixture<NginxCluster>
{
    [Theory]
    [InlineData(3)]
    [InlineData(25)]
    public async Task StreamCreatedThroughNginx_DroppedMidStream_ResumesThroughTheOtherNode_EveryEventOnceByteForByte(int cutAfterEvents)
    {
        using var client = cluster.Client();
        var create = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent.Create(new { model = "synthetic", input = $"through nginx, cut after {cutAfterEvents}", stream = true, background = true, metadata = ResponsesApi.Synthetic(80, tokensPerSecond: 200) }),
        };
        var seen = new List<SseFrame>();
        string owner;
        using (var created = await client.SendAsync(create, HttpCompletionOption.ResponseHeadersRead))
        await using (var reader = new SseReader(await created.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            owner = created.Headers.GetValues("x-resumable-node").Single();
            while (seen.Count < cutAfterEvents && await reader.ReadEventAsync() is { } frame)
            {
                seen.Add(frame);
            }
        }

        var id = seen[0].Json.GetProperty("response").GetProperty("id").GetString()!;

        // nginx takes turns between the nodes: a resume that lands on the owner is put down unread and sent again,
        // until one lands on the other node and is relayed.
        List<SseFrame>? rest = null;
        for (var attempt = 0; attempt < 10 && rest is null; attempt++)
        {
            var (resumed, reader) = await client.OpenStreamAsync(id, lastEventId: seen[^1].SequenceNumber);
            using (resumed)
            await using (reader)
            {
                Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
                Assert.Equal(owner, resumed.Headers.GetValues("x-resumable-node").Single());
                if (resumed.Headers.TryGetValues("x-resumable-relayed-by", out var relay))
                {
                    Assert.NotEqual(owner, relay.Single());
                    rest = await reader.ReadToEndAsync();
                }
            }
        }

        Assert.NotNull(rest);
        var ownerNode = owner == cluster.Nodes.NodeA.Id ? cluster.Nodes.NodeA : cluster.Nodes.NodeB;
        using var direct = ownerNode.Client();
        var whole = await direct.ReadAllEventsAsync(id);
        Assert.Equal("response.completed", whole[^1].Event);
        Assert.Equal(ResponsesApi.RawBytes(whole), ResponsesApi.RawBytes(seen.Concat(rest)));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(30)]
    public async Task NodeSdk_BackgroundStreamCutThroughNginx_ResumesWithStartingAfterToTheSameText(int cutAfterEvents)
    {
        var result = await NodeClient.RunAsync(
            "sdk-resume.mjs",
            cluster.Nginx.BaseAddress,
            TestKeys.TenantA,
            new { input = $"official sdk through nginx, cut after {cutAfterEvents}", metadata = ResponsesApi.Synthetic(60, tokensPerSecond: 400), cutAfterEvents },
            TimeSpan.FromSeconds(90));

        var uninterrupted = result.GetProperty("uninterruptedText").GetString();
        Assert.False(string.IsNullOrEmpty(uninterrupted));
        Assert.Equal(uninterrupted, result.GetProperty("resumedText").GetString());
        Assert.Equal(uninterrupted, result.GetProperty("helperFinalText").GetString());
        Assert.Equal("completed", result.GetProperty("helperFinalStatus").GetString());
        var cut = result.GetProperty("cutSequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var resumed = result.GetProperty("resumedSequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, cut.Count + resumed.Count).Select(i => (long)i), cut.Concat(resumed));
    }

    [Theory]
    [InlineData(1_500)]
    [InlineData(6_000)]
    public async Task EventSource_ConnectionCutThroughNginx_ReconnectsWithLastEventIdAndGetsTheTextOnce(int cutAfterBytes)
    {
        var result = await NodeClient.RunAsync(
            "eventsource-resume.mjs",
            cluster.Nginx.BaseAddress,
            TestKeys.TenantA,
            new { input = $"EventSource through nginx, cut after {cutAfterBytes} bytes", metadata = ResponsesApi.Synthetic(80, tokensPerSecond: 100), cutAfterBytes },
            TimeSpan.FromSeconds(90));

        var sequence = result.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(result.GetProperty("finalText").GetString(), result.GetProperty("text").GetString());
        Assert.Equal(Enumerable.Range(0, sequence.Count).Select(i => (long)i), sequence);
        Assert.True(result.GetProperty("connections").GetInt32() >= 2, "the connection was never cut");
        Assert.Contains(result.GetProperty("lastEventIdHeaders").EnumerateArray().Skip(1), h => h.ValueKind == JsonValueKind.String);
    }
}
