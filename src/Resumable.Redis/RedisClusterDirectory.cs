using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using StackExchange.Redis;

namespace Resumable.Redis;

/// <summary>
/// Reads the responses and nodes of the whole service from Redis, and announces new responses. Every call fails at
/// once while disconnected and waits at most <see cref="RedisOptions.CommandTimeout"/> otherwise.
/// </summary>
internal sealed class RedisClusterDirectory(RedisConnection connection, IOptions<RedisOptions> options) : IClusterDirectory, IResponseAnnouncer
{
    // SCAN rounds of 100 keys each over the owner indexes: far more nodes than a deployment has.
    private const int MaxScanRounds = 1_000;

    // Keys read per MGET when listing every node's responses for operators.
    private const int ListAllBatch = 500;

    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);

    /// <inheritdoc />
    public bool IsReachable => connection.IsRegistered;

    /// <inheritdoc />
    public async Task<ClusterResponse?> FindResponseAsync(string id, CancellationToken cancellationToken)
    {
        var value = await CallAsync(static (database, state) => database.StringGetAsync(state.Keys.Response(state.Id)), (Keys: _keys, Id: id), cancellationToken).ConfigureAwait(false);
        return value.HasValue ? ClusterRecordCodec.DecodeResponse(id, (ReadOnlyMemory<byte>)value) : null;
    }

    /// <inheritdoc />
    public async Task<ClusterMember?> FindNodeAsync(string nodeId, CancellationToken cancellationToken)
    {
        var value = await CallAsync(static (database, state) => database.StringGetAsync(state.Keys.Node(state.Id)), (Keys: _keys, Id: nodeId), cancellationToken).ConfigureAwait(false);
        return value.HasValue ? ClusterRecordCodec.DecodeNode((ReadOnlyMemory<byte>)value) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ClusterResponse>> ListAsync(string tenant, CancellationToken cancellationToken)
    {
        var tenantKey = _keys.Tenant(tenant);
        var ids = await CallAsync(static (database, key) => database.SortedSetRangeByRankAsync(key), tenantKey, cancellationToken).ConfigureAwait(false);
        if (ids.Length == 0)
        {
            return [];
        }

        var keys = new RedisKey[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            keys[i] = _keys.Response(ids[i].ToString());
        }

        var values = await CallAsync(static (database, keys) => database.StringGetAsync(keys), keys, cancellationToken).ConfigureAwait(false);
        var list = new List<ClusterResponse>(ids.Length);
        List<RedisValue>? gone = null;
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i].ToString();
            if (values[i].HasValue && ClusterRecordCodec.DecodeResponse(id, (ReadOnlyMemory<byte>)values[i]) is { } record && record.Tenant == tenant)
            {
                list.Add(record);
            }
            else if (!values[i].HasValue)
            {
                (gone ??= []).Add(ids[i]);
            }
        }

        if (gone is not null)
        {
            // Expired records leave their index entries behind; whoever lists first takes them out.
            _ = connection.Database.SortedSetRemoveAsync(tenantKey, [.. gone], CommandFlags.FireAndForget);
        }

        return list;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ClusterResponse>> ListAllAsync(CancellationToken cancellationToken)
    {
        // The owner indexes name every published response once (a node takes back what it no longer holds); SCAN
        // finds them without blocking Redis the way KEYS would. Bounded: a cursor that never returned to 0 ends here.
        var owners = new List<RedisKey>();
        var pattern = _keys.Owner("*").ToString();
        var cursor = "0";
        for (var round = 0; round < MaxScanRounds; round++)
        {
            var reply = await CallAsync(static (database, state) => database.ExecuteAsync("SCAN", state.Cursor, "MATCH", state.Pattern, "COUNT", 100), (Cursor: cursor, Pattern: pattern), cancellationToken).ConfigureAwait(false);
            var parts = (RedisResult[])reply!;
            cursor = parts[0].ToString();
            foreach (var key in (RedisKey[])parts[1]!)
            {
                owners.Add(key);
            }

            if (cursor == "0")
            {
                break;
            }
        }

        var ids = new List<string>();
        foreach (var owner in owners)
        {
            var fields = await CallAsync(static (database, key) => database.HashKeysAsync(key), owner, cancellationToken).ConfigureAwait(false);
            foreach (var field in fields)
            {
                ids.Add(field.ToString());
            }
        }

        if (ids.Count == 0)
        {
            return [];
        }

        // In batches: one MGET of every retained response would hold Redis (single-threaded) for as long as it takes,
        // and the cursor writes and lookups the nodes depend on would wait behind it.
        var list = new List<ClusterResponse>(ids.Count);
        foreach (var batch in ids.Chunk(ListAllBatch))
        {
            var keys = Array.ConvertAll(batch, id => _keys.Response(id));
            var values = await CallAsync(static (database, keys) => database.StringGetAsync(keys), keys, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < batch.Length; i++)
            {
                if (values[i].HasValue && ClusterRecordCodec.DecodeResponse(batch[i], (ReadOnlyMemory<byte>)values[i]) is { } record)
                {
                    list.Add(record);
                }
            }
        }

        return list;
    }

    /// <inheritdoc />
    public async Task<bool> AnnounceAsync(ClusterResponse response, CancellationToken cancellationToken)
    {
        if (!connection.IsConnected)
        {
            return false;
        }

        try
        {
            var batch = connection.Database.CreateBatch();
            var sent = new[]
            {
                batch.StringSetAsync(_keys.Response(response.Id), ClusterRecordCodec.EncodeResponse(response), when: When.NotExists),
                batch.SortedSetAddAsync(_keys.Tenant(response.Tenant), response.Id, response.CreatedAt.ToUnixTimeMilliseconds()),
                batch.HashSetAsync(_keys.Owner(response.Owner), response.Id, response.Tenant),
            };
            batch.Execute();
            await Task.WhenAll(sent).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Any failure only means the record comes with the next publication or republication.
            return false;
        }
    }

    private async Task<T> CallAsync<T, TState>(Func<IDatabase, TState, Task<T>> command, TState state, CancellationToken cancellationToken)
    {
        if (!connection.IsConnected)
        {
            throw new ClusterUnavailableException("Redis is not connected.");
        }

        try
        {
            return await command(connection.Database, state).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new ClusterUnavailableException($"Redis did not answer within {connection.CommandTimeout.TotalMilliseconds:F0} ms.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not ClusterUnavailableException)
        {
            // A refused command (RedisCommandException is not a RedisException), a dropped connection, a disposed
            // multiplexer: the directory cannot answer, which is a 503, never a 500.
            throw new ClusterUnavailableException($"Redis failed: {e.Message}", e);
        }
    }
}
