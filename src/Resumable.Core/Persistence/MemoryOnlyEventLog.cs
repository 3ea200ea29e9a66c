using Resumable.Core.Events;

namespace Resumable.Core.Persistence;

/// <summary>The <see cref="DurabilityMode.None"/> log: keeps nothing beyond the in-memory response logs.</summary>
internal sealed class MemoryOnlyEventLog : IEventLog
{
    /// <inheritdoc />
    public DurabilityMode Mode => DurabilityMode.None;

    /// <inheritdoc />
    public string? Fault => null;

    /// <inheritdoc />
    public string? Saturation => null;

    /// <inheritdoc />
    public Task<IReadOnlyList<RecoveredResponse>> RecoverAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RecoveredResponse>>([]);

    /// <inheritdoc />
    public void RecordCreated(string responseId, CreatedRecord created)
    {
    }

    /// <inheritdoc />
    public void Enqueue(string responseId, EventFrame frame, IFrameSink? releaseAfterCommit = null) => releaseAfterCommit?.Release(frame);

    /// <inheritdoc />
    public void RecordDeleted(string responseId)
    {
    }

    /// <inheritdoc />
    public void Release(string responseId)
    {
    }

    /// <inheritdoc />
    public Task<ColdCopy> ConsolidateAsync(string responseId, ReadOnlyMemory<EventFrame> frames, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Without a write-ahead log a response's events exist only in memory.");

    /// <inheritdoc />
    public Task<EventFrame[]> ReadColdAsync(string responseId, ColdCopy cold, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Without a write-ahead log no response is ever cold.");

    /// <inheritdoc />
    public WalStatistics? GetStatistics() => null;
}
