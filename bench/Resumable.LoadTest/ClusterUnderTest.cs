using System.Net.Http.Json;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>
/// Two nodes of the real server sharing one host Redis, each a child process with its own WAL directory, durability
/// <c>Async</c> and no keys (open). Responses are created on <see cref="Owner"/>; <see cref="Relay"/> serves them by
/// relaying to it. Finished responses stay in memory for the whole run (a 10-minute hot period, a 2 GiB cap), so no
/// move to the WAL falls into a measurement.
/// </summary>
internal sealed class ClusterUnderTest : IAsyncDisposable
{
    public const string OwnerId = "node-a";
    public const string RelayId = "node-b";

    private ClusterUnderTest(RedisUnderTest redis, ServerUnderTest owner, ServerUnderTest relay)
    {
        Redis = redis;
        Owner = owner;
        Relay = relay;
        OwnerClient = CreateClient(owner);
        RelayClient = CreateClient(relay);
    }

    public RedisUnderTest Redis { get; }

    /// <summary>Node A, where every response of the run is created.</summary>
    public ServerUnderTest Owner { get; }

    /// <summary>Node B, which relays requests for A's responses to A.</summary>
    public ServerUnderTest Relay { get; }

    /// <summary>A client of node A (the API and, open, its admin routes).</summary>
    public HttpClient OwnerClient { get; }

    /// <summary>A client of node B.</summary>
    public HttpClient RelayClient { get; }

    public static async Task<ClusterUnderTest> StartAsync()
    {
        var redis = await RedisUnderTest.StartAsync();
        ServerUnderTest? owner = null;
        try
        {
            owner = await StartNodeAsync(redis, OwnerId);
            var relay = await StartNodeAsync(redis, RelayId);
            return new ClusterUnderTest(redis, owner, relay);
        }
        catch
        {
            if (owner is not null)
            {
                await owner.DisposeAsync();
            }

            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every counter a workload is measured by: CPU of the three processes, WAL commits of each node, Redis calls.</summary>
    public async Task<ClusterCounters> CountersAsync() => new(
        Owner.CpuSeconds,
        Relay.CpuSeconds,
        Redis.CpuSeconds,
        await CommitsAsync(OwnerClient),
        await CommitsAsync(RelayClient),
        await Redis.CommandStatsAsync());

    /// <summary>Only the CPU of the three processes (a cheap reading, no request to a node or to Redis).</summary>
    public ClusterCounters Cpu() => new(Owner.CpuSeconds, Relay.CpuSeconds, Redis.CpuSeconds, 0, 0, CommandStats.Empty);

    public async ValueTask DisposeAsync()
    {
        OwnerClient.Dispose();
        RelayClient.Dispose();
        await Relay.DisposeAsync();
        await Owner.DisposeAsync();
        await Redis.DisposeAsync();
    }

    private static Task<ServerUnderTest> StartNodeAsync(RedisUnderTest redis, string id)
    {
        var port = ServerUnderTest.FreePort();
        return ServerUnderTest.StartAsync("Async", port, withKeys: false,
        [
            $"--Resumable:Redis:Configuration=127.0.0.1:{redis.Port}",
            $"--Resumable:Node:Id={id}",
            $"--Resumable:Node:InternalUrl=http://127.0.0.1:{port}",
            "--Resumable:Retention:HotPeriod=00:10:00",
            "--Resumable:Retention:HotBytesLimit=2147483648",
        ]);
    }

    // No key (the nodes run open). A response left before its end closes its connection at once: by default the
    // client would go on reading it in the background for up to 2 s to reuse the connection, and with a running
    // response that is a reader on A (and a relay on B) nobody counts.
    private static HttpClient CreateClient(ServerUnderTest node) => new(new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = node.BaseAddress,
        Timeout = TimeSpan.FromMinutes(5),
    };

    // The node's WAL commits so far, from the admin statistics.
    private static async Task<long> CommitsAsync(HttpClient client)
    {
        var wal = (await client.GetFromJsonAsync<JsonElement>("admin/stats")).GetProperty("wal");
        return wal.ValueKind == JsonValueKind.Null ? 0 : wal.GetProperty("commits").GetInt64();
    }
}
