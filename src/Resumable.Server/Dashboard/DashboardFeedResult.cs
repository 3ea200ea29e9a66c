using System.Buffers;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Resumable.Server.Endpoints;

namespace Resumable.Server.Dashboard;

/// <summary>
/// One dashboard connection: Server-Sent Events with a <c>snapshot</c> of every retained response, then
/// <c>upsert</c> (new or changed rows), <c>remove</c> (gone) and <c>cluster</c> (Redis answers again or not) as they
/// happen, until the client leaves. Changes of this node wake it at once; running responses are read again every
/// <see cref="DashboardFeed.RefreshInterval"/>, the other nodes' every <see cref="DashboardFeed.ClusterRefreshInterval"/>;
/// a batch goes out at most every <see cref="DashboardFeed.MinimumGap"/>. Only what differs from what this connection
/// was last sent is sent.
/// </summary>
internal sealed class DashboardFeedResult(DashboardFeed feed) : IResult, IEndpointMetadataProvider
{
    private static ReadOnlySpan<byte> KeepAlive => ": keep-alive\n\n"u8;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = SseFrameResult.PrepareStream(httpContext);
        var aborted = httpContext.RequestAborted;
        var time = feed.Time;

        // Watching starts before the snapshot is read: a change that races with it is sent again, never lost.
        using var watcher = feed.Changes.Watch();
        var sent = new Dictionary<string, DashboardRow>(StringComparer.Ordinal);
        try
        {
            var rows = feed.LocalRows();
            var (remote, clusterError) = await feed.RemoteRowsAsync(aborted).ConfigureAwait(false);
            rows.AddRange(remote ?? []);
            rows.Sort(static (a, b) => b.CreatedAt != a.CreatedAt ? b.CreatedAt.CompareTo(a.CreatedAt) : string.CompareOrdinal(b.Id, a.Id));
            foreach (var row in rows)
            {
                sent[row.Id] = row;
            }

            await response.StartAsync(aborted).ConfigureAwait(false);
            Write(response, "snapshot"u8, new DashboardSnapshot(feed.NodeId, feed.IsClustered, clusterError, rows));
            await response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);

            var clusterDue = time.GetUtcNow() + DashboardFeed.ClusterRefreshInterval;
            var lastWrite = time.GetUtcNow();
            while (!aborted.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var wait = HasSettling(sent) ? DashboardFeed.RefreshInterval : feed.KeepAliveInterval - (now - lastWrite);
                if (feed.IsClustered)
                {
                    wait = Min(wait, clusterDue - now);
                }

                if (wait > TimeSpan.Zero)
                {
                    // The wait's timer goes as soon as a change wakes the loop (a Task.Delay raced against the change
                    // would stay armed for the rest of its wait, one more for every change).
                    try
                    {
                        await watcher.WaitAsync().WaitAsync(wait, time, aborted).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                    }
                }

                var wrote = RefreshLocal(watcher.TakeChanged(), sent, response);
                now = time.GetUtcNow();
                if (feed.IsClustered && now >= clusterDue)
                {
                    clusterDue = now + DashboardFeed.ClusterRefreshInterval;
                    (remote, var error) = await feed.RemoteRowsAsync(aborted).ConfigureAwait(false);
                    if (error != clusterError)
                    {
                        clusterError = error;
                        Write(response, "cluster"u8, new DashboardClusterState(error));
                        wrote = true;
                    }

                    if (remote is not null)
                    {
                        wrote |= RefreshRemote(remote, sent, response);
                    }
                }

                if (!wrote && time.GetUtcNow() - lastWrite >= feed.KeepAliveInterval)
                {
                    response.BodyWriter.Write(KeepAlive);
                    wrote = true;
                }

                if (wrote)
                {
                    var flush = await response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return;
                    }

                    lastWrite = time.GetUtcNow();
                }

                await Task.Delay(DashboardFeed.MinimumGap, time, aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The operator closed the page.
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/event-stream"]));

    // This node's responses that changed, and those still settling (their counts move without a report).
    private bool RefreshLocal(HashSet<string> changed, Dictionary<string, DashboardRow> sent, HttpResponse response)
    {
        foreach (var row in sent.Values)
        {
            if (row.Node == feed.NodeId && row.IsSettling)
            {
                changed.Add(row.Id);
            }
        }

        List<DashboardRow>? upserts = null;
        List<string>? removed = null;
        foreach (var id in changed)
        {
            if (feed.LocalRow(id) is { } row)
            {
                if (!sent.TryGetValue(id, out var old) || old != row)
                {
                    sent[id] = row;
                    (upserts ??= []).Add(row);
                }
            }
            else if (sent.TryGetValue(id, out var old) && old.Node == feed.NodeId)
            {
                sent.Remove(id);
                (removed ??= []).Add(id);
            }
        }

        return WriteChanges(response, upserts, removed);
    }

    // The other nodes' responses as Redis has them now, against what this connection was sent of them.
    private bool RefreshRemote(List<DashboardRow> remote, Dictionary<string, DashboardRow> sent, HttpResponse response)
    {
        List<DashboardRow>? upserts = null;
        List<string>? removed = null;
        var current = new HashSet<string>(remote.Count, StringComparer.Ordinal);
        foreach (var row in remote)
        {
            current.Add(row.Id);
            if (!sent.TryGetValue(row.Id, out var old) || (old != row && old.Node != feed.NodeId))
            {
                sent[row.Id] = row;
                (upserts ??= []).Add(row);
            }
        }

        foreach (var (id, row) in sent)
        {
            if (row.Node != feed.NodeId && !current.Contains(id))
            {
                (removed ??= []).Add(id);
            }
        }

        foreach (var id in removed ?? [])
        {
            sent.Remove(id);
        }

        return WriteChanges(response, upserts, removed);
    }

    private bool WriteChanges(HttpResponse response, List<DashboardRow>? upserts, List<string>? removed)
    {
        if (upserts is not null)
        {
            Write(response, "upsert"u8, new DashboardUpsert(upserts));
        }

        if (removed is not null)
        {
            Write(response, "remove"u8, new DashboardRemoval(removed));
        }

        return upserts is not null || removed is not null;
    }

    private void Write<T>(HttpResponse response, ReadOnlySpan<byte> type, T message)
    {
        var writer = response.BodyWriter;
        writer.Write("event: "u8);
        writer.Write(type);
        writer.Write("\ndata: "u8);
        using (var json = new Utf8JsonWriter(writer))
        {
            JsonSerializer.Serialize(json, message, feed.JsonOptions);
        }

        writer.Write("\n\n"u8);
    }

    private bool HasSettling(Dictionary<string, DashboardRow> sent)
    {
        foreach (var row in sent.Values)
        {
            if (row.Node == feed.NodeId && row.IsSettling)
            {
                return true;
            }
        }

        return false;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
