using System.Text.Json;
using Microsoft.Extensions.Options;
using Resumable.Core.Changes;
using Resumable.Core.Cluster;
using Resumable.Core.Cursors;
using Resumable.Core.Persistence;
using Resumable.Core.Retention;
using Resumable.Core.Streaming;
using Resumable.Server.Cluster;
using Resumable.Server.Endpoints;

namespace Resumable.Server.Dashboard;

/// <summary>
/// What every dashboard connection reads: this node's responses (from the registry, woken by its change feed) and
/// the other nodes' (from Redis, read again every <see cref="ClusterRefreshInterval"/>). One singleton; each
/// connection keeps its own view (<see cref="DashboardFeedResult"/>).
/// </summary>
internal sealed class DashboardFeed(
    ResponseRegistry registry,
    ICursorStore cursors,
    IEventLog eventLog,
    ResponseChangeFeed changes,
    ClusterRouter router,
    IOptions<NodeOptions> node,
    IOptions<StreamingOptions> streaming,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    TimeProvider timeProvider)
{
    /// <summary>
    /// How often a response that is still running (or not yet all durable) is read again for its counts: its events
    /// arrive without waking the feed (the pipeline reports no single event), so they are shown at most this often.
    /// </summary>
    public static TimeSpan RefreshInterval { get; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the other nodes' responses are read from Redis while a dashboard is connected.</summary>
    public static TimeSpan ClusterRefreshInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>The shortest gap between two batches of one connection: a burst of changes goes out as one batch.</summary>
    public static TimeSpan MinimumGap { get; } = TimeSpan.FromMilliseconds(200);

    private readonly Lock _remoteGate = new();
    private Task<(List<DashboardRow>? Rows, string? Error)>? _remoteRead;
    private DateTimeOffset _remoteReadAt;

    public string NodeId { get; } = node.Value.Id!;

    public ResponseChangeFeed Changes => changes;

    public ResponseRegistry Registry => registry;

    public TimeProvider Time => timeProvider;

    public TimeSpan KeepAliveInterval => streaming.Value.KeepAliveInterval;

    public JsonSerializerOptions JsonOptions => json.Value.SerializerOptions;

    /// <summary>Whether other nodes' responses are read (Redis is configured).</summary>
    public bool IsClustered => router.Directory is not null;

    /// <summary>Every response this node holds, newest first.</summary>
    public List<DashboardRow> LocalRows() => registry.Snapshot(tenant: null).ConvertAll(entry => DashboardRow.FromSummary(AdminEndpoints.Summarize(entry, registry, cursors, eventLog.Mode), NodeId));

    /// <summary>The row of a response this node holds, or null when it holds it no more (deleted, expired).</summary>
    public DashboardRow? LocalRow(string id) =>
        registry.TryGetAnyTenant(id, out var entry) ? DashboardRow.FromSummary(AdminEndpoints.Summarize(entry, registry, cursors, eventLog.Mode), NodeId) : null;

    /// <summary>
    /// The responses the other nodes hold, as Redis has them, or the reason Redis could not say; an empty list on a
    /// single node. One read serves every connection that asks within <see cref="ClusterRefreshInterval"/>: the walk
    /// over Redis is done once per interval however many dashboards are open.
    /// </summary>
    public Task<(List<DashboardRow>? Rows, string? Error)> RemoteRowsAsync(CancellationToken cancellationToken)
    {
        if (router.Directory is not { } directory)
        {
            return Task.FromResult<(List<DashboardRow>?, string?)>(([], null));
        }

        Task<(List<DashboardRow>? Rows, string? Error)> read;
        lock (_remoteGate)
        {
            var now = timeProvider.GetUtcNow();
            if (_remoteRead is null || (_remoteRead.IsCompleted && now - _remoteReadAt >= ClusterRefreshInterval))
            {
                // Not cancelled by the connection that happens to start it: the others wait for it too. Redis's
                // command timeout bounds it.
                _remoteRead = ReadRemoteRowsAsync(directory);
                _remoteReadAt = now;
            }

            read = _remoteRead;
        }

        return read.WaitAsync(cancellationToken);
    }

    private async Task<(List<DashboardRow>? Rows, string? Error)> ReadRemoteRowsAsync(IClusterDirectory directory)
    {
        try
        {
            var records = await directory.ListAllAsync(CancellationToken.None).ConfigureAwait(false);
            var rows = new List<DashboardRow>(records.Count);
            foreach (var record in records)
            {
                // This node's own records lag its registry; a response it holds is listed from there.
                if (record.Owner != NodeId && !registry.TryGetAnyTenant(record.Id, out _))
                {
                    rows.Add(DashboardRow.FromRecord(record));
                }
            }

            return (rows, null);
        }
        catch (ClusterUnavailableException e)
        {
            return (null, e.Message);
        }
    }
}
