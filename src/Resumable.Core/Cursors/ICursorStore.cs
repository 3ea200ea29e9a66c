namespace Resumable.Core.Cursors;

/// <summary>
/// Shared cursors per response: how far it is durably persisted. Local memory by default; a Redis store
/// shares them across nodes. Implementations must be cheap to call after every commit.
/// </summary>
public interface ICursorStore
{
    /// <summary>Records that every event of <paramref name="responseId"/> up to <paramref name="sequenceNumber"/> is durable. Never moves backwards.</summary>
    void AdvanceDurable(string responseId, long sequenceNumber);

    /// <summary>The highest durable sequence number of a response, or null when none of its events is durable yet.</summary>
    long? GetDurable(string responseId);

    /// <summary>Forgets a response (deleted or expired).</summary>
    void Remove(string responseId);
}
