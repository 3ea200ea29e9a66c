namespace Resumable.Core.Persistence;

/// <summary>
/// Where the events of a finished response lie in the event log once its memory copy has been released: the
/// locations of its consolidated records, in order, and what a reader needs to know without reading them.
/// </summary>
/// <param name="Locations">The log addresses of its consolidated records, in sequence order.</param>
/// <param name="EventCount">How many events it has.</param>
/// <param name="ByteCount">The size of its frames, in bytes.</param>
/// <param name="LastSequenceNumber">The sequence number of its terminal event.</param>
public sealed record ColdCopy(IReadOnlyList<long> Locations, int EventCount, long ByteCount, long LastSequenceNumber);
