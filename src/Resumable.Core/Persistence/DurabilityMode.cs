namespace Resumable.Core.Persistence;

/// <summary>How events are persisted relative to streaming them.</summary>
public enum DurabilityMode
{
    /// <summary>Memory only: nothing survives a restart. The baseline for measurements.</summary>
    None,

    /// <summary>Stream at once; persisted within the commit interval (the default once a WAL is configured).</summary>
    Async,

    /// <summary>An event is released to readers only after its commit.</summary>
    Sync,
}
