using System.Text.Json;
using Resumable.Core.Cluster;
using Resumable.Core.Entries;
using Resumable.Core.Responses;

namespace Resumable.Server.Cluster;

/// <summary>
/// One row of a list across nodes: a response this node holds (written in full) or one another node holds, known
/// from Redis (written in summary form: id, object, created_at, status, background, model, and the node holding it).
/// </summary>
/// <param name="Id">The response id.</param>
/// <param name="CreatedAt">When it was admitted (the list's order).</param>
/// <param name="Local">The entry, when this node holds it.</param>
/// <param name="Shared">The shared record, when another node holds it.</param>
internal sealed record ClusterListing(string Id, DateTimeOffset CreatedAt, ResponseEntry? Local, ClusterResponse? Shared)
{
    /// <summary>
    /// Every response of this node (<paramref name="local"/>, already filtered) and of the others (filtered here by
    /// <paramref name="status"/>), newest first. This node's own records in Redis are skipped: its entries are newer.
    /// </summary>
    public static List<ClusterListing> Merge(List<ResponseEntry> local, IReadOnlyList<ClusterResponse> shared, ResponseStatus? status, string nodeId)
    {
        var listings = new List<ClusterListing>(local.Count + shared.Count);
        var held = new HashSet<string>(local.Count, StringComparer.Ordinal);
        foreach (var entry in local)
        {
            held.Add(entry.Id);
            listings.Add(new ClusterListing(entry.Id, entry.CreatedAt, entry, null));
        }

        foreach (var record in shared)
        {
            if (record.Owner != nodeId && !held.Contains(record.Id) && (status is null || record.Status == status))
            {
                listings.Add(new ClusterListing(record.Id, record.CreatedAt, null, record));
            }
        }

        listings.Sort(static (a, b) =>
        {
            var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
        });
        return listings;
    }

    /// <summary>What a new response is announced as: queued, nothing sequenced, nothing durable.</summary>
    public static ClusterResponse Announcement(ResponseEntry entry, string nodeId) =>
        new(entry.Id, nodeId, entry.Tenant, ResponseStatus.Queued, -1, -1, entry.CreatedAt, null, entry.Request.Model, entry.Request.Background);

    public static void Write(Utf8JsonWriter writer, ClusterListing listing)
    {
        if (listing.Local is { } entry)
        {
            writer.WriteRawValue(ResponseObjectWriter.Serialize(entry), skipInputValidation: true);
            return;
        }

        var record = listing.Shared!;
        writer.WriteStartObject();
        writer.WriteString("id"u8, record.Id);
        writer.WriteString("object"u8, "response"u8);
        writer.WriteNumber("created_at"u8, record.CreatedAt.ToUnixTimeSeconds());
        writer.WriteString("status"u8, record.Status.ToWireName());
        writer.WriteBoolean("background"u8, record.Background);
        writer.WriteString("model"u8, record.Model);
        writer.WriteString("node"u8, record.Owner);
        writer.WriteEndObject();
    }
}
