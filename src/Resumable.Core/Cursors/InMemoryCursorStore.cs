using System.Collections.Concurrent;

namespace Resumable.Core.Cursors;

/// <summary>The single-node cursor store: a concurrent dictionary.</summary>
internal sealed class InMemoryCursorStore : ICursorStore
{
    private readonly ConcurrentDictionary<string, long> _durable = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public void AdvanceDurable(string responseId, long sequenceNumber) =>
        _durable.AddOrUpdate(responseId, static (_, proposed) => proposed, static (_, current, proposed) => Math.Max(current, proposed), sequenceNumber);

    /// <inheritdoc />
    public long? GetDurable(string responseId) => _durable.TryGetValue(responseId, out var value) ? value : null;

    /// <inheritdoc />
    public void Remove(string responseId) => _durable.TryRemove(responseId, out _);
}
