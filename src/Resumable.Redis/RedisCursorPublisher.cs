using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Cursors;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Retention;
using StackExchange.Redis;

namespace Resumable.Redis;

/// <summary>
/// Publishes this node's responses to Redis: owner, tenant, status, last and durable sequence numbers, creation and
/// expiry. The commit path only hands over its cursor changes (<see cref="Committed"/>: a dictionary update under a
/// short lock, and one wake-up when the loop is idle); this loop sends everything gathered since its last round as
/// one pipelined batch, at most once per <see cref="RedisOptions.PublishInterval"/>. So Redis sees a round trip per
/// commit or fewer, never one per event, and a slow or absent Redis never slows the log. After start, after every
/// reconnection and after a failed round the loop republishes every response the node holds and takes back the
/// records it published before but no longer holds, so Redis converges on the node's state.
/// </summary>
internal sealed partial class RedisCursorPublisher(
    RedisConnection connection,
    ResponseRegistry registry,
    ICursorStore cursors,
    IOptions<RedisOptions> options,
    IOptions<NodeOptions> node,
    TimeProvider timeProvider,
    ResumableMetrics metrics,
    ILogger<RedisCursorPublisher> logger) : BackgroundService, ICursorPublisher
{
    // How long to wait before retrying after a failed round while the connection still claims to be up.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    // How often the node republishes everything even when nothing failed: Redis may have lost or evicted keys
    // without the connection ever dropping (a flush, maxmemory), and this bounds how long it stays behind.
    internal static readonly TimeSpan ReconcileInterval = TimeSpan.FromMinutes(5);

    private readonly RedisKeys _keys = new(options.Value.KeyPrefix);
    private readonly string _nodeId = node.Value.Id ?? throw new InvalidOperationException("Resumable:Node:Id is not resolved.");
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private Dictionary<string, long> _advanced = new(StringComparer.Ordinal);
    private HashSet<string> _forgotten = new(StringComparer.Ordinal);
    private Dictionary<string, long> _sendingAdvanced = new(StringComparer.Ordinal);
    private HashSet<string> _sendingForgotten = new(StringComparer.Ordinal);
    private bool _awake;
    private volatile bool _republishAll = true;

    // The loop's own: id -> tenant of every response whose index entries (tenant set, owner hash) were written.
    private readonly Dictionary<string, string> _indexed = new(StringComparer.Ordinal);


    /// <inheritdoc />
    public void Committed(ReadOnlySpan<string> forgotten, ReadOnlySpan<DurableCursor> advanced)
    {
        bool wake;
        lock (_gate)
        {
            foreach (var responseId in forgotten)
            {
                _advanced.Remove(responseId);
                _forgotten.Add(responseId);
            }

            foreach (var cursor in advanced)
            {
                _advanced[cursor.ResponseId] = cursor.SequenceNumber;
            }

            wake = !_awake;
            _awake = true;
        }

        if (wake)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        connection.Restored += OnRestored;
        var reconciling = ReconcileAsync(stoppingToken);
        try
        {
            Wake();
            while (!stoppingToken.IsCancellationRequested)
            {
                await _wake.WaitAsync(stoppingToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _awake = false;
                    (_advanced, _sendingAdvanced) = (_sendingAdvanced, _advanced);
                    (_forgotten, _sendingForgotten) = (_sendingForgotten, _forgotten);
                }

                await PublishRoundAsync(stoppingToken).ConfigureAwait(false);
                if (options.Value.PublishInterval > TimeSpan.Zero)
                {
                    await Task.Delay(options.Value.PublishInterval, timeProvider, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            connection.Restored -= OnRestored;
            await reconciling.ConfigureAwait(false);
        }
    }

    private async Task ReconcileAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ReconcileInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                _republishAll = true;
                Wake();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task PublishRoundAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!connection.IsConnected)
            {
                // Nothing can be sent: look again shortly (a first connection that succeeds late raises no
                // restoration), then republish everything. The deletions of this round need not be kept: the
                // republication takes back every record this node published and no longer holds.
                _republishAll = true;
                _ = RetryLaterAsync(stoppingToken);
                return;
            }

            var started = timeProvider.GetTimestamp();
            if (_republishAll)
            {
                _republishAll = false;
                await RepublishAllAsync().ConfigureAwait(false);
            }
            else
            {
                await PublishChangesAsync().ConfigureAwait(false);
            }

            metrics.RedisRound(timeProvider.GetElapsedTime(started));
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            metrics.RedisRoundFailed();
            // Whatever went wrong (a timeout, a refused command, a dropped connection), Redis is behind now: the
            // next round republishes everything. Nothing here may stop the node, which serves its own responses.
            LogPublishFailed(e.Message);
            _republishAll = true;
            _ = RetryLaterAsync(stoppingToken);
        }
        finally
        {
            _sendingAdvanced.Clear();
            _sendingForgotten.Clear();
        }
    }

    private async Task PublishChangesAsync()
    {
        var round = new PipelinedRound(connection);
        var now = timeProvider.GetUtcNow();
        foreach (var responseId in _sendingForgotten)
        {
            Forget(round.Batch, round.Sent, responseId, _indexed.Remove(responseId, out var tenant) ? tenant : null);
            await round.SendWhenFullAsync().ConfigureAwait(false);
        }

        foreach (var (responseId, durable) in _sendingAdvanced)
        {
            if (!_sendingForgotten.Contains(responseId) && registry.TryGetAnyTenant(responseId, out var entry))
            {
                Publish(round.Batch, round.Sent, entry, durable, now);
                await round.SendWhenFullAsync().ConfigureAwait(false);
            }
        }

        await round.SendAsync().ConfigureAwait(false);
    }

    private async Task RepublishAllAsync()
    {
        var database = connection.Database;

        // What this node published before (an earlier process's records too): id -> tenant, read page by page.
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var field in database.HashScanAsync(_keys.Owner(_nodeId), pageSize: PipelinedRound.Commands).ConfigureAwait(false))
        {
            published[field.Name.ToString()] = field.Value.ToString();
        }

        var held = registry.Snapshot(tenant: null);
        var heldIds = new HashSet<string>(held.Count, StringComparer.Ordinal);
        foreach (var entry in held)
        {
            heldIds.Add(entry.Id);
        }

        var round = new PipelinedRound(connection);
        var now = timeProvider.GetUtcNow();
        var dropped = 0;

        // Records it holds no more (deleted or expired while Redis did not hear of it, or by an earlier process)
        // are taken back, index entries included; so is anything forgotten this round, which wins over the
        // registry (a deletion removes the entry just after logging it).
        foreach (var (responseId, tenant) in published)
        {
            if (!heldIds.Contains(responseId) || _sendingForgotten.Contains(responseId))
            {
                Forget(round.Batch, round.Sent, responseId, tenant);
                dropped++;
                await round.SendWhenFullAsync().ConfigureAwait(false);
            }
        }

        _indexed.Clear();
        foreach (var entry in held)
        {
            if (!_sendingForgotten.Contains(entry.Id))
            {
                Publish(round.Batch, round.Sent, entry, cursors.GetDurable(entry.Id) ?? -1, now);
                await round.SendWhenFullAsync().ConfigureAwait(false);
            }
        }

        await round.SendAsync().ConfigureAwait(false);
        LogRepublished(held.Count, dropped);
    }

    private void Publish(IBatch batch, List<Task> sent, ResponseEntry entry, long durable, DateTimeOffset now)
    {
        var record = Describe(entry, durable);
        var key = _keys.Response(entry.Id);
        if (record.ExpiresAt is { } expiresAt)
        {
            var left = expiresAt - now;
            if (left <= TimeSpan.Zero)
            {
                Forget(batch, sent, entry.Id, entry.Tenant);
                _indexed.Remove(entry.Id);
                return;
            }

            sent.Add(batch.StringSetAsync(key, ClusterRecordCodec.EncodeResponse(record), left));
        }
        else
        {
            sent.Add(batch.StringSetAsync(key, ClusterRecordCodec.EncodeResponse(record)));
        }

        if (_indexed.TryAdd(entry.Id, entry.Tenant))
        {
            sent.Add(batch.SortedSetAddAsync(_keys.Tenant(entry.Tenant), entry.Id, entry.CreatedAt.ToUnixTimeMilliseconds()));
            sent.Add(batch.HashSetAsync(_keys.Owner(_nodeId), entry.Id, entry.Tenant));
        }
    }

    private void Forget(IBatch batch, List<Task> sent, string responseId, string? tenant)
    {
        sent.Add(batch.KeyDeleteAsync(_keys.Response(responseId)));
        sent.Add(batch.HashDeleteAsync(_keys.Owner(_nodeId), responseId));
        if (tenant is not null)
        {
            sent.Add(batch.SortedSetRemoveAsync(_keys.Tenant(tenant), responseId));
        }
    }

    private ClusterResponse Describe(ResponseEntry entry, long durable)
    {
        Core.Responses.ResponseStatus status;
        lock (entry.Gate)
        {
            status = entry.Visible.Status;
        }

        return new ClusterResponse(
            entry.Id, _nodeId, entry.Tenant, status, entry.EventTotals.LastSequenceNumber, durable, entry.CreatedAt,
            registry.ExpiresAt(entry), entry.Request.Model, entry.Request.Background);
    }

    private async Task RetryLaterAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(RetryDelay, timeProvider, stoppingToken).ConfigureAwait(false);
            Wake();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnRestored()
    {
        _republishAll = true;
        Wake();
    }

    private void Wake()
    {
        bool wake;
        lock (_gate)
        {
            wake = !_awake;
            _awake = true;
        }

        if (wake)
        {
            _wake.Release();
        }
    }

    [LoggerMessage(EventIds.RedisPublishFailed, LogLevel.Warning, "Publishing cursors to Redis failed ({Reason}); they are republished once Redis answers.")]
    private partial void LogPublishFailed(string reason);

    [LoggerMessage(EventIds.RedisRepublished, LogLevel.Information, "Published the {Held} responses this node holds to Redis and took back {Dropped} it no longer holds.")]
    private partial void LogRepublished(int held, int dropped);
}
