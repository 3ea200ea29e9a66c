using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Diagnostics;
using StackExchange.Redis;

namespace Resumable.Redis;

/// <summary>
/// The node's one <see cref="ConnectionMultiplexer"/>. It never aborts on a failed connect (the node then serves its
/// own responses and keeps trying in the background; the first attempt does not hold up the start either), fails commands at once while disconnected instead of queueing
/// them (no request waits for Redis to come back), and reports each reconnection so that the node republishes.
/// </summary>
internal sealed partial class RedisConnection(IOptions<RedisOptions> options, IOptions<NodeOptions> node, ILogger<RedisConnection> logger)
    : IHostedService, IAsyncDisposable
{
    private volatile ConnectionMultiplexer? _multiplexer;
    private Task _connecting = Task.CompletedTask;

    /// <summary>Raised (on a Redis thread) after the connection came back; its handlers must not block.</summary>
    public event Action? Restored;

    /// <summary>Whether commands can be sent now.</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>Whether this node's heartbeat has reached Redis since the connection was last lost: the others can find it.</summary>
    public bool IsRegistered => IsConnected && Volatile.Read(ref _registered);

    /// <summary>Records that a heartbeat reached Redis.</summary>
    public void MarkRegistered() => Volatile.Write(ref _registered, true);

    private bool _registered;

    /// <summary>The database; only after start.</summary>
    public IDatabase Database => (_multiplexer ?? throw new InvalidOperationException("Redis is not started.")).GetDatabase();

    /// <summary>The time a request may wait for Redis.</summary>
    public TimeSpan CommandTimeout => options.Value.CommandTimeout;

    // Connecting runs in the background: a Redis that is down at start-up must not hold the node back from serving
    // its own responses. Until the first attempt ends the node counts as disconnected.
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _connecting = ConnectAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await _connecting.ConfigureAwait(false);
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ConnectAsync()
    {
        var settings = options.Value;
        var configuration = ConfigurationOptions.Parse(settings.Configuration ?? throw new InvalidOperationException("Resumable:Redis:Configuration is not set."));
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)settings.ConnectTimeout.TotalMilliseconds;
        configuration.SyncTimeout = (int)settings.CommandTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)settings.CommandTimeout.TotalMilliseconds;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 5_000);
        configuration.ClientName ??= "resumable-" + node.Value.Id;

        try
        {
            // With AbortOnConnectFail off this returns once the first attempt ends, connected or not, and the
            // multiplexer keeps trying by itself.
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            multiplexer.ConnectionFailed += (_, e) =>
            {
                Volatile.Write(ref _registered, false);
                LogConnectionFailed(e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception?.Message ?? "");
            };
            multiplexer.ConnectionRestored += (_, e) =>
            {
                LogConnectionRestored(e.EndPoint?.ToString() ?? "?");
                Restored?.Invoke();
            };
            _multiplexer = multiplexer;
            if (!multiplexer.IsConnected)
            {
                LogNotConnectedAtStart(configuration.EndPoints.Count > 0 ? configuration.EndPoints[0].ToString() ?? "?" : "?");
            }
        }
        catch (Exception e)
        {
            // Not even a multiplexer (e.g. an endpoint that does not resolve): the node runs alone, and says so.
            LogConnectionFailed(configuration.EndPoints.Count > 0 ? configuration.EndPoints[0].ToString() ?? "?" : "?", "NoMultiplexer", e.Message);
        }
    }

    [LoggerMessage(EventIds.RedisConnectionFailed, LogLevel.Warning, "Redis connection to {EndPoint} failed ({FailureType}): {Reason}. This node keeps serving its own responses; requests for other nodes' responses get 503 until it is back.")]
    private partial void LogConnectionFailed(string endPoint, string failureType, string reason);

    [LoggerMessage(EventIds.RedisConnectionFailed, LogLevel.Warning, "Redis at {EndPoint} is not reachable at start-up. This node serves its own responses and keeps trying to connect.")]
    private partial void LogNotConnectedAtStart(string endPoint);

    [LoggerMessage(EventIds.RedisConnectionRestored, LogLevel.Information, "Redis connection to {EndPoint} restored; republishing this node's cursors.")]
    private partial void LogConnectionRestored(string endPoint);
}
