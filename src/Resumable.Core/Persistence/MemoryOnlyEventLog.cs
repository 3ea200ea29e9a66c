using Resumable.Core.Events;

namespace Resumable.Core.Persistence;

/// <summary>The <see cref="DurabilityMode.None"/> log: keeps nothing beyond the in-memory response logs.</summary>
internal sealed class MemoryOnlyEventLog : IEventLog
{
    /// <inheritdoc />
    public DurabilityMode Mode => DurabilityMode.None;

    /// <inheritdoc />
    public void Enqueue(string responseId, EventFrame frame)
    {
    }
}
