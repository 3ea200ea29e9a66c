using Resumable.Core.Cursors;

namespace Resumable.Storage.Faster;

/// <summary>
/// Applies each commit's cursor changes to the node's <see cref="ICursorStore"/>, one call per response, before the
/// commit's sync frames are released; once they are, hands the whole batch to every <see cref="ICursorPublisher"/>
/// (Redis, when configured), one call each, so that what a publisher reads of a response is as of that commit.
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
    }

    /// <inheritdoc />
    public void Released(ReadOnlySpan<string> forgotten, ReadOnlySpan<DurableCursor> advanced)
    {
        foreach (var publisher in publishers)
        {
            publisher.Committed(forgotten, advanced);
        }
    }
}
