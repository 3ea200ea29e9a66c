namespace Resumable.Core.Persistence;

/// <summary>
/// A cold response's events are no longer in the event log: its space was reclaimed (it expired or was
/// deleted) while a reader was about to read it. Readers get an explicit error, never a silent skip.
/// </summary>
public sealed class EventsReclaimedException(string responseId)
    : Exception($"The events of response {responseId} were reclaimed from the write-ahead log (the response expired or was deleted) before they could be read.")
{
    /// <summary>The response whose events are gone.</summary>
    public string ResponseId { get; } = responseId;
}
