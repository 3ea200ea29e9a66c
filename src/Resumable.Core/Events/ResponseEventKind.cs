namespace Resumable.Core.Events;

/// <summary>The events the sequencer can emit; each maps to one type in <see cref="ResponseEventTypes"/>.</summary>
public enum ResponseEventKind
{
    /// <summary><c>response.created</c>.</summary>
    Created,
    /// <summary><c>response.queued</c>.</summary>
    Queued,
    /// <summary><c>response.in_progress</c>.</summary>
    InProgress,
    /// <summary><c>response.output_item.added</c>.</summary>
    OutputItemAdded,
    /// <summary><c>response.content_part.added</c>.</summary>
    ContentPartAdded,
    /// <summary><c>response.output_text.delta</c>.</summary>
    OutputTextDelta,
    /// <summary><c>response.output_text.done</c>.</summary>
    OutputTextDone,
    /// <summary><c>response.content_part.done</c>.</summary>
    ContentPartDone,
    /// <summary><c>response.output_item.done</c>.</summary>
    OutputItemDone,
    /// <summary><c>response.completed</c> (terminal).</summary>
    Completed,
    /// <summary><c>response.failed</c> (terminal).</summary>
    Failed,
    /// <summary><c>response.incomplete</c> (terminal; also a cancellation).</summary>
    Incomplete,
}
