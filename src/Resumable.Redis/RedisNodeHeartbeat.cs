using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;

namespace Resumable.Redis;

/// <summary>
/// Keeps this node in the registry: every <see cref="NodeOptions.HeartbeatInterval"/> it writes its record (id,
/// internal URL, start and heartbeat times) with a TTL of <see cref="NodeOptions.HeartbeatTtl"/>, at once after a
/// reconnection, and removes it when the node stops, so that the other nodes know at once that it is gone.
/// </summary>
internal sealed class RedisNodeHeartbeat(RedisConnection connection, IOptions<RedisOptions> redis, IOptions<NodeOptions> node, TimeProvider timeProvider)
    : BackgroundService
{
    private readonly RedisKeys _keys = new(redis.Value.KeyPrefix);
    private readonly DateTimeOffset _startedAt = timeProvider.GetUtcNow();
    private static readonly TimeSpan UnregisteredRetry = TimeSpan.FromMilliseconds(250);
    private readonly SemaphoreSlim _beat = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        connection.Restored += OnRestored;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await BeatAsync().ConfigureAwait(false);

                // Either the interval passes or a reconnection asks for a beat now; until the node is registered it
                // looks again often (a first connection that succeeds late raises no restoration).
                using var interval = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                interval.CancelAfter(connection.IsRegistered ? node.Value.HeartbeatInterval : UnregisteredRetry);
                try
                {
                    await _beat.WaitAsync(interval.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            connection.Restored -= OnRestored;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (connection.IsConnected)
        {
            try
            {
                await connection.Database.KeyDeleteAsync(_keys.Node(node.Value.Id!)).WaitAsync(connection.CommandTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Its TTL removes it soon anyway.
            }
        }
    }

    private async Task BeatAsync()
    {
        if (!connection.IsConnected)
        {
            return;
        }

        var options = node.Value;
        var record = new ClusterMember(options.Id!, options.InternalUrl!, _startedAt, timeProvider.GetUtcNow());
        try
        {
            await connection.Database.StringSetAsync(_keys.Node(options.Id!), ClusterRecordCodec.EncodeNode(record), options.HeartbeatTtl)
                .WaitAsync(connection.CommandTimeout).ConfigureAwait(false);
            connection.MarkRegistered();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The next beat tries again; the connection's own log says what is wrong. A failed beat must never stop
            // the node.
        }
    }

    private void OnRestored()
    {
        if (_beat.CurrentCount == 0)
        {
            try
            {
                _beat.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }
}
