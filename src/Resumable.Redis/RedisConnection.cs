using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Diagnostics;
using StackExchange.Redis;

namespace Resumable.Redis;

/// <summary>
/// The node's one <see cref="ConnectionMultiplexer"/>. It never aborts on a failed connect (the node then serves its
/// own responses and keeps trying in the background), fails commands at once while disconnected instead of queueing
/// them (no request waits for Redis to come back), and reports each reconnection so that the node republishes.
/// </summary>
internal sealed partial class RedisConnection(IOptions<RedisOptions> options, IOptions<NodeOptions> node, ILogger<RedisConnection> logger)
    : IHostedService, IAsyncDisposable
{
    private ConnectionMultiplexer? _multiplexer;

    /// <summary>Raised (on a Redis thread) after the connection came back; its handlers must not block.</summary>
    public event Action? Restored;

    /// <summary>Whether commands can be sent now.</summary>
    public bool IsConnected => _multiplexer?.IsConnected == true;

    /// <summary>The database; only after start.</summary>
    public IDatabase Database => (_multiplexer ?? throw new InvalidOperationException("Redis is not started.")).GetDatabase();

    /// <summary>The time a request may wait for Redis.</summary>
    public TimeSpan CommandTimeout => options.Value.CommandTimeout;

    public async Task StartAsync(CancellationToken cancellationToken)
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

        // With AbortOnConnectFail off this returns once the first attempt ends, connected or not.
        _multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        _multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception?.Message ?? "");
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(e.EndPoint?.ToString() ?? "?");
            Restored?.Invoke();
        };
        if (!_multiplexer.IsConnected)
        {
            LogNotConnectedAtStart(configuration.EndPoints.Count > 0 ? configuration.EndPoints[0].ToString() ?? "?" : "?");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            await multiplexer.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventIds.RedisConnectionFailed, LogLevel.Warning, "Redis connection to {EndPoint} failed ({FailureType}): {Reason}. This node keeps serving its own responses; requests for other nodes' responses get 503 until it is back.")]
    private partial void LogConnectionFailed(string endPoint, string failureType, string reason);

    [LoggerMessage(EventIds.RedisConnectionFailed, LogLevel.Warning, "Redis at {EndPoint} is not reachable at start-up. This node serves its own responses and keeps trying to connect.")]
    private partial void LogNotConnectedAtStart(string endPoint);

    [LoggerMessage(EventIds.RedisConnectionRestored, LogLevel.Information, "Redis connection to {EndPoint} restored; republishing this node's cursors.")]
    private partial void LogConnectionRestored(string endPoint);
}
