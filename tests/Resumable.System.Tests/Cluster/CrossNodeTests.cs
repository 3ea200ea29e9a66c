using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.System.Tests.Cluster;

/// <summary>Two real nodes sharing a real Redis: every request for a response works on the node that does not hold it.</summary>
public class CrossNodeTests(TwoNodeCluster cluster, ITestOutputHelper output) : IClassFixture<TwoNodeCluster>
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(40)]
    public async Task Resume_OnTheNodeThatDoesNotHoldTheResponse_DeliversEveryEventOnceByteForByte(int cutAfterEvents)
    {
        using var owner = cluster.NodeA.Client();
        using var other = cluster.NodeB.Client();
        var id = await owner.CreateBackgroundAsync($"cross-node resume after {cutAfterEvents}", ResponsesApi.Synthetic(60, tokensPerSecond: 300));

        var seen = new List<SseFrame>();
        var (first, reader) = await owner.OpenStreamAsync(id);
        using (first)
        await using (reader)
        {
            while (seen.Count < cutAfterEvents && await reader.ReadEventAsync() is { } frame)
            {
                seen.Add(frame);
            }
        }

        var (resumed, rest) = await other.OpenStreamAsync(id, lastEventId: seen[^1].SequenceNumber);
        List<SseFrame> after;
        using (resumed)
        await using (rest)
        {
            Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
            Assert.Equal("node-a", resumed.Headers.GetValues("x-resumable-node").Single());
            Assert.Equal("node-b", resumed.Headers.GetValues("x-resumable-relayed-by").Single());
            after = await rest.ReadToEndAsync();
        }

        var whole = await owner.ReadAllEventsAsync(id);
        Assert.True(whole[^1].IsTerminal);
        Assert.Equal(ResponsesApi.RawBytes(whole), ResponsesApi.RawBytes(seen.Concat(after)));
    }

    [Fact]
    public async Task GetInputItemsCancelAndDelete_ThroughTheOtherNode_ActOnTheOwner()
    {
        using var owner = cluster.NodeA.Client();
        using var other = cluster.NodeB.Client();
        var id = await owner.CreateBackgroundAsync("cancel me through the other node", ResponsesApi.Synthetic(100_000, tokensPerSecond: 100));
        await owner.WaitForStatusAsync(id, "in_progress");

        var got = await other.GetJsonAsync($"v1/responses/{id}");
        Assert.Equal(id, got.GetProperty("id").GetString());
        Assert.Equal("in_progress", got.GetProperty("status").GetString());

        var items = await other.GetJsonAsync($"v1/responses/{id}/input_items");
        Assert.Equal("cancel me through the other node", items.GetProperty("data")[0].GetProperty("content")[0].GetProperty("text").GetString());

        var cancel = await other.PostAsync($"v1/responses/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal("cancelled", (await owner.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());

        var delete = await other.DeleteAsync($"v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.True(JsonDocument.Parse(await delete.Content.ReadAsStringAsync()).RootElement.GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"v1/responses/{id}")).StatusCode);

        // Once the deletion is committed its record leaves Redis, and the other node stops finding it too.
        await Eventually.UntilAsync(async () => (await other.GetAsync($"v1/responses/{id}")).StatusCode == HttpStatusCode.NotFound, $"{id} to be gone on node-b");
    }

    [Fact]
    public async Task List_OnEitherNode_ShowsTheResponsesOfBothNodes_OfTheCallersTenantOnly()
    {
        using var aOnA = cluster.NodeA.Client(TestKeys.TenantA);
        using var aOnB = cluster.NodeB.Client(TestKeys.TenantA);
        using var bOnB = cluster.NodeB.Client(TestKeys.TenantB);
        var onA = await aOnA.CreateBackgroundAsync("listed, held by node-a", ResponsesApi.Synthetic(5));
        var onB = await aOnB.CreateBackgroundAsync("listed, held by node-b", ResponsesApi.Synthetic(5));
        var foreign = await bOnB.CreateBackgroundAsync("another tenant's", ResponsesApi.Synthetic(5));
        await aOnA.WaitForTerminalAsync(onA);
        await aOnB.WaitForTerminalAsync(onB);

        foreach (var client in new[] { aOnA, aOnB })
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    var ids = (await client.GetJsonAsync("v1/responses?limit=100")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
                    Assert.DoesNotContain(foreign, ids);
                    return ids.Contains(onA) && ids.Contains(onB);
                },
                $"both nodes' responses in the list of {client.BaseAddress}");
        }

        // The list filters by status across nodes too.
        var completed = (await aOnA.GetJsonAsync("v1/responses?status=completed&limit=100")).GetProperty("data").EnumerateArray().ToList();
        Assert.All(completed, r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.Contains(completed, r => r.GetProperty("id").GetString() == onB);
    }

    [Fact]
    public async Task ForeignTenant_GetsNotFound_ThroughEitherNode_ForEveryRequest()
    {
        using var owner = cluster.NodeA.Client(TestKeys.TenantA);
        var id = await owner.CreateBackgroundAsync("not yours", ResponsesApi.Synthetic(100_000, tokensPerSecond: 100));
        await owner.WaitForStatusAsync(id, "in_progress");

        foreach (var node in new[] { cluster.NodeA, cluster.NodeB })
        {
            using var stranger = node.Client(TestKeys.TenantB);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"v1/responses/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"v1/responses/{id}?stream=true")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"v1/responses/{id}/input_items")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostAsync($"v1/responses/{id}/cancel", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"v1/responses/{id}")).StatusCode);
        }

        // A relayed request is authenticated again by the owner: a forged tenant claim goes nowhere.
        using var forged = cluster.NodeA.Client("sk-not-a-key");
        forged.DefaultRequestHeaders.Add("x-resumable-relayed-by", "node-b");
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync($"v1/responses/{id}")).StatusCode);

        Assert.Equal("in_progress", (await owner.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
        await owner.PostAsync($"v1/responses/{id}/cancel", null);
    }

    [Fact]
    public async Task ResponseNotStored_NeverReachesRedis()
    {
        using var owner = cluster.NodeA.Client();
        var answer = await owner.PostJsonTextAsync("v1/responses", """{"model":"synthetic","input":"not stored","store":false,"metadata":{"synthetic_output_tokens":"5"}}""");
        var id = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);

        // Published responses reach Redis within a round; a later stored one is there, the unstored one never.
        var stored = await owner.CreateBackgroundAsync("stored", ResponsesApi.Synthetic(5));
        await Eventually.UntilAsync(async () => (await cluster.Redis.ExecAsync("exists", $"resumable:response:{stored}")).Trim() == "1", "the stored response's record");
        Assert.Equal("0", (await cluster.Redis.ExecAsync("exists", $"resumable:response:{id}")).Trim());
        Assert.Equal("0", (await cluster.Redis.ExecAsync("hexists", "resumable:owner:node-a", id!)).Trim());
    }

    [Fact]
    public async Task RedisCommands_GrowWithCommits_NotWithEvents()
    {
        using var owner = cluster.NodeA.Client();
        using var other = cluster.NodeB.Client();
        var elapsed = Stopwatch.StartNew();
        var (callsBefore, commitsBefore) = (await cluster.Redis.CommandCallsAsync(), await CommitsAsync());
        var id = await owner.CreateBackgroundAsync("many events, few commits", ResponsesApi.Synthetic(3_000));
        await owner.WaitForTerminalAsync(id);
        var events = (await owner.ReadAllEventsAsync(id)).Count;

        // The final cursor reaches Redis in a later round; wait for it before counting.
        await Eventually.UntilAsync(async () => (await other.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString() == "completed", "the relay to work");
        await Eventually.UntilAsync(async () => (await cluster.Redis.ExecAsync("ttl", $"resumable:response:{id}")).Trim() is var ttl && ttl != "-1" && ttl != "-2", $"{id}'s record to carry its expiry");
        var (callsAfter, commitsAfter) = (await cluster.Redis.CommandCallsAsync(), await CommitsAsync());
        elapsed.Stop();

        // Every command that writes, whoever sent it: the announcement at creation (record, index and owner entries),
        // the publication (a record per response per commit round, plus its index and owner entries once more on its
        // first round) and both nodes' heartbeats (one each per 500 ms). Reads are left out: the test's own polling
        // through the other node looks the owner up once per look.
        string[] writing = ["set", "setex", "psetex", "setnx", "zadd", "hset", "del", "hdel", "zrem", "expire", "pexpire"];
        var writes = writing.Sum(name => callsAfter.GetValueOrDefault(name) - callsBefore.GetValueOrDefault(name));
        var commits = commitsAfter - commitsBefore;
        var heartbeats = 2 * ((long)(elapsed.Elapsed.TotalMilliseconds / 500) + 1);

        output.WriteLine($"{events} events, {commits} WAL commits on both nodes, {writes} Redis writes ({heartbeats} heartbeats at most) in {elapsed.Elapsed.TotalSeconds:0.0} s");
        Assert.True(events > 3_000);
        Assert.True(writes <= commits + 5 + heartbeats, $"{writes} Redis writes for {commits} commits and at most {heartbeats} heartbeats: more than one record write per commit");
        Assert.True(writes * 20 < events, $"{writes} Redis writes for {events} events: Redis sees a write per event, not per commit");
    }

    private async Task<long> CommitsAsync()
    {
        long commits = 0;
        foreach (var node in new[] { cluster.NodeA, cluster.NodeB })
        {
            using var admin = node.Client(TestKeys.Admin);
            commits += (await admin.GetJsonAsync("admin/stats")).GetProperty("wal").GetProperty("commits").GetInt64();
        }

        return commits;
    }
}
