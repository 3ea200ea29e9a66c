using System.Text.Json;
using Resumable.Testing;

namespace Resumable.System.Tests.Cluster;

public class NginxClusterTests(NginxCluster cluster) : IClassFixture<NginxCluster>
{
    [Theory]
    [InlineData(3)]
    [InlineData(25)]
    public async Task StreamCreatedThroughNginx_DroppedMidStream_ResumesThroughTheOtherNode_EveryEventOnceByteForByte(int cutAfterEvents)
    {
        using var client = cluster.Client();
        var outcome = await CrossNodeResume.RunAsync(client, $"through nginx, cut after {cutAfterEvents}", cutAfterEvents, ResponsesApi.Synthetic(80, tokensPerSecond: 200));
        Assert.NotEqual(outcome.Owner, outcome.RelayedBy);
        var ownerNode = outcome.Owner == cluster.Nodes.NodeA.Id ? cluster.Nodes.NodeA : cluster.Nodes.NodeB;
        using var direct = ownerNode.Client();
        var whole = await direct.ReadAllEventsAsync(outcome.Id);
        Assert.Equal("response.completed", whole[^1].Event);
        Assert.Equal(ResponsesApi.RawBytes(whole), ResponsesApi.RawBytes(outcome.BeforeCut.Concat(outcome.AfterCut)));
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
