namespace Resumable.Core.Changes;

/// <summary>
/// Tells watchers (the operator dashboard) which responses changed: admitted, started, finished, removed or expired.
/// The pipeline reports a response a few times in its life, never per event; while nobody watches a report costs one
/// volatile read. A watcher collects the ids and is woken once per batch, however many changes arrive meanwhile.
/// </summary>
public sealed class ResponseChangeFeed
{
    private readonly Lock _gate = new();
    private ResponseWatcher[] _watchers = [];

    /// <summary>Whether anyone watches right now.</summary>
    public bool IsWatched => Volatile.Read(ref _watchers).Length > 0;

    /// <summary>Starts watching; dispose the watcher to stop. Changes before this call are not reported to it.</summary>
    public ResponseWatcher Watch()
    {
        var watcher = new ResponseWatcher(this);
        lock (_gate)
        {
            _watchers = [.. _watchers, watcher];
        }

        return watcher;
    }

    /// <summary>Reports that response <paramref name="id"/> changed. Returns at once; never blocks on a watcher.</summary>
    public void Changed(string id)
    {
        // Copy-on-write array: reporting takes no lock of the feed, and nothing at all while nobody watches.
        var watchers = Volatile.Read(ref _watchers);
        foreach (var watcher in watchers)
        {
            watcher.Mark(id);
        }
    }

    internal void Unwatch(ResponseWatcher watcher)
    {
        lock (_gate)
        {
            _watchers = Array.FindAll(_watchers, w => !ReferenceEquals(w, watcher));
        }
    }
}
