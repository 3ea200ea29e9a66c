using Resumable.Core.Responses;

namespace Resumable.Core.Cluster;

/// <summary>What the nodes share about one response: who owns it, whose it is, and how far it has come.</summary>
/// <param name="Id">The response id.</param>
/// <param name="Owner">The id of the node that runs it and holds its events.</param>
/// <param name="Tenant">The tenant that created it; no other tenant may see it.</param>
/// <param name="Status">Its status when the owner last published it.</param>
/// <param name="LastSequenceNumber">Its last sequenced event then (-1 when none).</param>
/// <param name="DurableSequenceNumber">Its last durable event then (-1 when none).</param>
/// <param name="CreatedAt">When it was admitted.</param>
/// <param name="ExpiresAt">When its retention runs out, once it is terminal; else null.</param>
/// <param name="Model">The model it was created for.</param>
/// <param name="Background">Whether it was created in background mode.</param>
public sealed record ClusterResponse(
    string Id,
    string Owner,
    string Tenant,
    ResponseStatus Status,
    long LastSequenceNumber,
    long DurableSequenceNumber,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    string Model,
    bool Background);
