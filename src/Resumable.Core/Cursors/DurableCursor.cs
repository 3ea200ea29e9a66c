namespace Resumable.Core.Cursors;

/// <summary>Every event of <paramref name="ResponseId"/> up to <paramref name="SequenceNumber"/> is durable.</summary>
/// <param name="ResponseId">The response.</param>
/// <param name="SequenceNumber">Its highest durable sequence number.</param>
public readonly record struct DurableCursor(string ResponseId, long SequenceNumber);
