using Resumable.Core.Cursors;

namespace Resumable.Storage.Faster;

/// <summary>
/// Applies each commit's cursor changes to the node's <see cref="ICursorStore"/>, one call per response, then hands
/// the whole batch to every <see cref="ICursorPublisher"/> (Redis, when configured), one call each.
/// </summary>
internal sealed class CursorStoreDurabilityListener(ICursorStore cursors, ICursorPublisher[] publishers) : IDurabilityListener
{
    /// <inheritdoc />
    public void Committed(ReadOnlySpan<string> forgotten, ReadOnlySpan<DurableCursor> advanced)
    {
        foreach (var responseId in forgotten)
        {
            cursors.Remove(responseId);
        }

        foreach (var cursor in advanced)
        {
            cursors.AdvanceDurable(cursor.ResponseId, cursor.SequenceNumber);
        }

        foreach (var publisher in publishers)
        {
            publisher.Committed(forgotten, advanced);
        }
    }
}
