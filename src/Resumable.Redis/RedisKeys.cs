using StackExchange.Redis;

namespace Resumable.Redis;

/// <summary>
/// The keys the service writes, under its prefix: <c>response:{id}</c> (one response's record), <c>tenant:{tenant}</c>
/// (a sorted set of the tenant's response ids by creation time), <c>owner:{node}</c> (a hash of the ids a node
/// published to their tenants, so that it can take back what it no longer holds, index entries included) and
/// <c>node:{node}</c> (a node's heartbeat).
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public RedisKey Response(string id) => prefix + "response:" + id;

    public RedisKey Tenant(string tenant) => prefix + "tenant:" + tenant;

    public RedisKey Owner(string nodeId) => prefix + "owner:" + nodeId;

    public RedisKey Node(string nodeId) => prefix + "node:" + nodeId;
}
