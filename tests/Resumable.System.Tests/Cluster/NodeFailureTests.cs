using System.Net;
using System.Text.Json;
using Resumable.Core.Responses;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.System.Tests.Cluster;

/// <summary>What clients see when a node or Redis fails, with real processes, a real Redis and SIGKILL.</summary>
public class NodeFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OwnerKilled_OtherNodeAnswers503WithRetryAfter_ThenTheFullStreamEndingInFailureAfterTheOwnerRestarts()
    {
        await using var redis = await RedisServer.StartAsync();
        using var owner = await ClusterNode.StartAsync("node-a", redis.Configuration);
        using var other = await ClusterNode.StartAsync("node-b", redis.Configuration);
        using var ownerClient = owner.Client();
        using var otherClient = other.Client();

        var id = await ownerClient.CreateBackgroundAsync("killed mid-stream", ResponsesApi.Synthetic(100_000, tokensPerSecond: 500));
        var seen = new List<SseFrame>();
        var (response, reader) = await otherClient.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            while (seen.Count < 30 && await reader.ReadEventAsync() is { } frame)
            {
                seen.Add(frame);
            }

            owner.Kill();

            // The relayed stream breaks off when the owner's process is gone: the relay aborts it rather than end it
            // cleanly, so that a client sees an interrupted stream (and an EventSource reconnects).
            try
            {
                while (await reader.ReadEventAsync() is { } frame)
                {
                    seen.Add(frame);
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                output.WriteLine($"relayed stream broken off after {seen.Count} events: {e.GetType().Name}");
            }
        }

        // While the owner is down, either its heartbeat is still in Redis (its address refuses the connection) or it
        // has expired: both are a 503 owner_unavailable with Retry-After and the last status Redis knows.
        foreach (var path in new[] { $"v1/responses/{id}", $"v1/responses/{id}?stream=true" })
        {
            var unavailable = await otherClient.GetAsync(path);
            var body = await unavailable.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.NotNull(unavailable.Headers.RetryAfter);
            var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
            Assert.Equal("owner_unavailable", error.GetProperty("code").GetString());
            Assert.Contains("in_progress", error.GetProperty("message").GetString(), StringComparison.Ordinal);
            output.WriteLine(error.GetProperty("message").GetString());
        }

        await owner.StartAgainAsync();

        // The restarted owner recovered its log and ended the response with the interruption's failure event; through
        // the other node the whole stream replays: what was durable, then that event.
        await Eventually.UntilAsync(async () => (await otherClient.GetAsync($"v1/responses/{id}")).StatusCode == HttpStatusCode.OK, "the response to be reachable again");
        var replay = await otherClient.ReadAllEventsAsync(id);
        Assert.Equal("response.failed", replay[^1].Event);
        Assert.Equal("server_restarted", replay[^1].Json.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
        var durable = replay.Take(replay.Count - 1).ToList();
        Assert.Equal(Enumerable.Range(0, durable.Count).Select(i => (long)i), durable.Select(f => f.SequenceNumber));

        // Every event seen before the kill that the log kept replays with the same bytes.
        foreach (var (before, after) in seen.Zip(durable))
        {
            Assert.Equal(before.Raw, after.Raw);
        }
    }

    [Fact]
    public async Task OwnerHung_OtherNodeAnswers503OwnerUnavailableInsteadOfWaiting_ThenServesAgainOnceItRuns()
    {
        await using var redis = await RedisServer.StartAsync();
        using var owner = await ClusterNode.StartAsync("node-a", redis.Configuration);
        using var other = await ClusterNode.StartAsync("node-b", redis.Configuration);
        using var ownerClient = owner.Client();
        using var otherClient = other.Client();
        var id = await ownerClient.CreateBackgroundAsync("held by a node that hangs", ResponsesApi.Synthetic(20));
        await ownerClient.WaitForTerminalAsync(id);

        owner.Freeze();
        try
        {
            // The relay gives up on an owner that accepts but never answers, or the heartbeat runs out first:
            // either way a bounded 503, never a request held for as long as the owner hangs.
            var unavailable = await otherClient.GetAsync($"v1/responses/{id}").WaitAsync(Eventually.HangBound * 2);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.NotNull(unavailable.Headers.RetryAfter);
            Assert.Equal("owner_unavailable", JsonDocument.Parse(await unavailable.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            owner.Freeze(frozen: false);
        }

        await Eventually.UntilAsync(async () => (await otherClient.GetAsync($"v1/responses/{id}")).StatusCode == HttpStatusCode.OK, "the owner to answer through node-b again");
        Assert.Equal("completed", (await otherClient.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task RedisStoppedDuringStreaming_LocalStreamsCompleteWithEveryEvent_AndRedisConvergesAfterItsRestart()
    {
        await using var redis = await RedisServer.StartAsync();
        using var owner = await ClusterNode.StartAsync("node-a", redis.Configuration);
        using var other = await ClusterNode.StartAsync("node-b", redis.Configuration);
        using var ownerClient = owner.Client();
        using var otherClient = other.Client();

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await ownerClient.CreateBackgroundAsync($"streams through a Redis outage {i}", ResponsesApi.Synthetic(400, tokensPerSecond: 200)));
        }

        var readers = ids.Select(id => ownerClient.ReadInBackground(id)).ToList();
        await Task.WhenAll(readers.Select(r => r.MidStream));
        await redis.StopAsync();

        // A response created while Redis is down is admitted and streamed by its node as always.
        var createdDuringOutage = await ownerClient.CreateBackgroundAsync("created while Redis is down", ResponsesApi.Synthetic(50, tokensPerSecond: 200));
        ids.Add(createdDuringOutage);
        readers.Add(ownerClient.ReadInBackground(createdDuringOutage));

        // The other node cannot find the owner's responses: it says so at once instead of waiting.
        var unavailable = await otherClient.GetAsync($"v1/responses/{ids[0]}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("cluster_unavailable", JsonDocument.Parse(await unavailable.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await otherClient.GetAsync("v1/responses")).StatusCode);

        foreach (var (id, reader) in ids.Zip(readers))
        {
            var frames = await reader.Frames;
            Assert.Equal("response.completed", frames[^1].Event);
            Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
            Assert.Equal(ResponsesApi.RawBytes(await ownerClient.ReadAllEventsAsync(id)), ResponsesApi.RawBytes(frames));
        }

        await redis.StartAgainAsync();

        // The node reconnects by itself and republishes: every record comes back, final and fully durable.
        foreach (var id in ids)
        {
            var last = (await ownerClient.ReadAllEventsAsync(id))[^1].SequenceNumber;
            await Eventually.UntilAsync(
                async () =>
                {
                    var response = await otherClient.GetAsync($"v1/responses/{id}");
                    return response.StatusCode == HttpStatusCode.OK
                        && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString() == "completed";
                },
                $"{id} to be found through node-b again");
            await Eventually.UntilAsync(async () => await RecordAsync(redis, id) is { } record && record.Status == "completed" && record.Durable == last, $"{id}'s record in Redis to converge");
        }

        var listed = (await otherClient.GetJsonAsync("v1/responses?limit=100")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.All(ids, id => Assert.Contains(id, listed));
    }

    [Fact]
    public async Task RedisThatStopsAnswering_LocalStreamsCarryOn_CrossNodeCallsFailWithinTheirTimeout_ThenServeAgain()
    {
        await using var cluster = await TwoNodeCluster.StartAsync();
        using var ownerClient = cluster.NodeA.Client();
        using var otherClient = cluster.NodeB.Client();
        var before = await ownerClient.CreateBackgroundAsync("known before Redis stalls", ResponsesApi.Synthetic(20));
        await ownerClient.WaitForTerminalAsync(before);
        await Eventually.UntilAsync(async () => (await otherClient.GetAsync($"v1/responses/{before}")).StatusCode == HttpStatusCode.OK, "the other node to find it");

        // Redis holds every command for a while (connected, answering nothing): slow, not down. The nodes' command
        // timeout is 1 s; the pause outlasts several of them. A PING sent now is answered only when the pause ends,
        // so everything below that is done before it was done without waiting for Redis.
        await cluster.Redis.ExecAsync("client", "pause", "12000", "ALL");
        var redisAnswersAgain = cluster.Redis.ExecAsync("ping");

        var created = await ownerClient.CreateBackgroundAsync("created while Redis stalls", ResponsesApi.Synthetic(50, tokensPerSecond: 200));
        var frames = await ownerClient.ReadAllEventsAsync(created);
        var crossNode = await otherClient.GetAsync($"v1/responses/{before}");

        Assert.False(redisAnswersAgain.IsCompleted, "Redis answered again before the nodes did: something waited for it");
        Assert.Equal("response.completed", frames[^1].Event);
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, crossNode.StatusCode);
        Assert.Equal("cluster_unavailable", JsonDocument.Parse(await crossNode.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("PONG", await redisAnswersAgain, StringComparison.Ordinal);

        // Once Redis answers again both responses are found through the other node.
        foreach (var id in new[] { before, created })
        {
            await Eventually.UntilAsync(
                async () => (await otherClient.GetAsync($"v1/responses/{id}")).StatusCode == HttpStatusCode.OK,
                $"{id} to be found through node-b once Redis answers");
        }
    }

    [Fact]
    public async Task SyncDurability_EveryRecordInRedis_EndsWithTheFinalStatusTheOwnerShows()
    {
        // In sync durability a response's visible state moves only when its frames are released after a commit:
        // what a node publishes must be taken after that release, or a record can keep a state older than the last
        // commit for good (nothing commits for a finished response again).
        await using var redis = await RedisServer.StartAsync();
        using var owner = await ClusterNode.StartAsync("node-a", redis.Configuration, new Dictionary<string, string>
        {
            ["Resumable:Wal:Durability"] = "Sync",
            ["Resumable:Wal:CommitInterval"] = "00:00:00.050",
            ["Resumable:Redis:PublishInterval"] = "00:00:00",
            ["Resumable:Queue:Workers"] = "256",
        });
        using var client = owner.Client();
        var ids = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => client.CreateBackgroundAsync($"sync {i}", ResponsesApi.Synthetic(5))));
        foreach (var id in ids)
        {
            await client.WaitForTerminalAsync(id);
        }

        foreach (var id in ids)
        {
            var last = (await client.ReadAllEventsAsync(id))[^1].SequenceNumber;
            await Eventually.UntilAsync(async () => await RecordAsync(redis, id) is { } record && record.Status == "completed" && record.Durable == last, $"{id}'s record in Redis to show it completed");
        }
    }

    // The record as Redis holds it: MessagePack, decoded by the node's own codec.
    private static async Task<(string Status, long Durable)?> RecordAsync(RedisServer redis, string id)
    {
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration);
        var value = await connection.GetDatabase().StringGetAsync($"resumable:response:{id}");
        if (!value.HasValue || Resumable.Redis.ClusterRecordCodec.DecodeResponse(id, (ReadOnlyMemory<byte>)value) is not { } record)
        {
            return null;
        }

        return (record.Status.ToWireName(), record.DurableSequenceNumber);
    }
}
