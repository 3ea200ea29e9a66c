using Resumable.Core.Events;

namespace Resumable.Core.Persistence;

/// <summary>A response as the write-ahead log had it when the process stopped: its creation and its committed events, in order.</summary>
/// <param name="ResponseId">The response id.</param>
/// <param name="Created">Its creation record.</param>
/// <param name="Frames">Its committed events, in sequence order, byte for byte as they were streamed.</param>
/// <param name="LastRecordAtMs">When its last event was written, Unix milliseconds (the terminal time for a finished response).</param>
/// <param name="Cold">Its consolidated records, when it had gone cold: it is restored cold, without its frames in memory.</param>
public sealed record RecoveredResponse(string ResponseId, CreatedRecord Created, IReadOnlyList<EventFrame> Frames, long LastRecordAtMs, ColdCopy? Cold = null);
