using Resumable.Core.Cursors;

namespace Resumable.Storage.Faster;

/// <summary>
/// The one place the log reports durability to: once per commit, with every response whose durable cursor the
/// commit advanced (one cursor per response, however many of its records the commit covered) and every response
/// whose cursor is to be forgotten (deleted or expired, in log order). Recovery reports what the recovered log
/// holds the same way, and a fault the deletions it abandons. A listener that shares cursors with other nodes
/// sends each call as one batch (one pipelined round trip per commit).
/// </summary>
internal interface IDurabilityListener
{
    /// <summary>
    /// Takes one commit's cursor changes: apply <paramref name="forgotten"/> first, then <paramref name="advanced"/>
    /// (a response may be in both only when it was forgotten before the events that advanced it again). Called by
    /// one thread at a time, under the commit lock, before the commit's frames are released to sync readers, so
    /// that no reader sees an event its durable cursor does not cover yet. Must not block; the spans are valid only
    /// during the call.
    /// </summary>
    void Committed(ReadOnlySpan<string> forgotten, ReadOnlySpan<DurableCursor> advanced);

    /// <summary>
    /// The same changes again, once the commit's sync frames have been released (and so the responses' visible
    /// state includes them): what leaves the node, to other nodes, is taken from here, never ahead of what the
    /// node's own callers are shown. Same threading and span rules as <see cref="Committed"/>.
    /// </summary>
    void Released(ReadOnlySpan<string> forgotten, ReadOnlySpan<DurableCursor> advanced);
}
