namespace Resumable.Core.Changes;

/// <summary>
/// One watcher of a <see cref="ResponseChangeFeed"/>: the ids of the responses that changed since it last took them,
/// and a wake-up for when there are some. Not for concurrent consumers: one loop waits and takes.
/// </summary>
public sealed class ResponseWatcher : IDisposable
{
    private readonly ResponseChangeFeed _feed;
    private readonly Lock _gate = new();
    private HashSet<string> _changed = new(StringComparer.Ordinal);
    private TaskCompletionSource? _signal;

    internal ResponseWatcher(ResponseChangeFeed feed) => _feed = feed;

    /// <summary>
    /// Completes once a change is pending (at once when one already is); never faults. Until then every call returns
    /// the same task, so a loop that also waits for a timer (<see cref="Task.WhenAny(Task[])"/>) adds nothing per round.
    /// </summary>
    public Task WaitAsync()
    {
        lock (_gate)
        {
            if (_changed.Count > 0)
            {
                return Task.CompletedTask;
            }

            _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _signal.Task;
        }
    }

    /// <summary>The ids reported since the last call (each once), and clears them.</summary>
    public HashSet<string> TakeChanged()
    {
        lock (_gate)
        {
            var changed = _changed;
            _changed = new HashSet<string>(StringComparer.Ordinal);
            return changed;
        }
    }

    /// <summary>Stops watching.</summary>
    public void Dispose() => _feed.Unwatch(this);

    internal void Mark(string id)
    {
        TaskCompletionSource? toWake;
        lock (_gate)
        {
            _changed.Add(id);
            toWake = _signal;
            _signal = null;
        }

        // Continuations run asynchronously: the reporting thread (a worker, a request) never runs the watcher's loop.
        toWake?.TrySetResult();
    }
}
