using System.Text.Json.Serialization;
using Resumable.Core.Cluster;
using Resumable.Core.Responses;
using Resumable.Server.Endpoints;

namespace Resumable.Server.Dashboard;

/// <summary>
/// One retained response as the dashboard lists it, from the node that holds it (in full) or from another node's
/// record in Redis (what the record has: no sizes, readers or storage, the counts as of its last publication).
/// Times are Unix milliseconds; the durable lag is how many sequence numbers the last event is ahead of the last durable one.
/// </summary>
internal sealed record DashboardRow(
    string Id,
    string Node,
    string Tenant,
    string Status,
    string Model,
    bool Background,
    long CreatedAt,
    long? CompletedAt,
    long? ExpiresAt,
    long Events,
    long? Bytes,
    long LastSequenceNumber,
    long? DurableSequenceNumber,
    long DurableLag,
    int? Readers,
    string? Storage)
{
    /// <summary>Whether the row may still change without a status change: running, or events not yet durable.</summary>
    [JsonIgnore]
    public bool IsSettling => !ResponseStatusExtensions.TryParseWireName(Status, out var status) || !status.IsTerminal() || DurableLag > 0;

    /// <summary>A response this node holds.</summary>
    public static DashboardRow FromSummary(AdminResponseSummary summary, string nodeId) => new(
        summary.Id, nodeId, summary.Tenant, summary.Status, summary.Model, summary.Background, summary.CreatedAt, summary.CompletedAt, summary.ExpiresAt,
        summary.Events, summary.Bytes, summary.LastSequenceNumber, summary.DurableSequenceNumber, summary.DurableLag, summary.Readers, summary.Storage);

    /// <summary>A response another node holds, as its record in Redis says.</summary>
    public static DashboardRow FromRecord(ClusterResponse record) => new(
        record.Id, record.Owner, record.Tenant, record.Status.ToWireName(), record.Model, record.Background, record.CreatedAt.ToUnixTimeMilliseconds(), null,
        record.ExpiresAt?.ToUnixTimeMilliseconds(), record.LastSequenceNumber + 1, null, record.LastSequenceNumber,
        record.DurableSequenceNumber < 0 ? null : record.DurableSequenceNumber, record.LastSequenceNumber - record.DurableSequenceNumber, null, null);
}
