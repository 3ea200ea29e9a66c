namespace Resumable.Core.Events;

/// <summary>The events the sequencer can emit; each maps to one type in <see cref="ResponseEventTypes"/>.</summary>
internal enum ResponseEventKind
{
    Created,
    Queued,
    InProgress,
    OutputItemAdded,
    ContentPartAdded,
    OutputTextDelta,
    OutputTextDone,
    ContentPartDone,
    OutputItemDone,
    Completed,
    Failed,
    Incomplete,
}
