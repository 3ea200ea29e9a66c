namespace Resumable.Core.Events;

/// <summary>Where the event log hands a frame once it is durable, in <see cref="Persistence.DurabilityMode.Sync"/> (a response's in-memory log).</summary>
public interface IFrameSink
{
    /// <summary>Makes <paramref name="frame"/> visible to readers. Called in sequence order, by one thread at a time.</summary>
    void Release(EventFrame frame);
}
