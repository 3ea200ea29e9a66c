namespace Resumable.Core.Cursors;

/// <summary>
/// Takes each commit's cursor changes as one batch, after the node's own <see cref="ICursorStore"/> has them: how
/// cursors leave the node (to Redis, when several nodes share them). Called once per commit by one thread at a
/// time, on the commit path: it must not block or wait for I/O (hand the batch to a loop of its own), and the
/// spans are valid only during the call.
/// </summary>
public interface ICursorPublisher
{
    /// <summary>
    /// Responses whose cursors are forgotten (deleted or expired, in log order), then those whose durable cursor the
    /// commit advanced, one cursor per response.
    /// </summary>
    void Committed(ReadOnlySpan<string> forgotten, ReadOnlySpan<DurableCursor> advanced);
}
