using System.Collections.Concurrent;
using System.Globalization;

namespace Resumable.LoadTest;

/// <summary>
/// Runs the tasks queued to it, and the continuations of everything they await, on one thread of its own, so that a
/// component living in the load tool's process (the fake upstream) does its work off the thread pool the clients
/// measure with. Its CPU time is read from <c>/proc</c> for that thread alone.
/// </summary>
internal sealed class DedicatedThreadScheduler : TaskScheduler, IDisposable
{
    // Linux reports thread CPU time in clock ticks of 1/USER_HZ, which is 100 on every distribution we run on.
    private const double TicksPerSecond = 100;

    private readonly BlockingCollection<Task> _tasks = [];
    private readonly Thread _thread;
    private readonly TaskCompletionSource<string> _statPath = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DedicatedThreadScheduler(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>CPU seconds the thread used so far (user + system, <c>/proc/self/task/&lt;tid&gt;/stat</c>).</summary>
    public double CpuSeconds
    {
        get
        {
            var stat = File.ReadAllText(_statPath.Task.GetAwaiter().GetResult());
            // The fields after the command name (which is in parentheses and may hold spaces): state is the 3rd
            // field of the line, utime the 14th and stime the 15th.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
    }

    public void Dispose()
    {
        _tasks.CompleteAdding();
        _thread.Join();
        _tasks.Dispose();
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _tasks.Add(task);

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _tasks.ToArray();

    private void Run()
    {
        // "/proc/thread-self" links to "<pid>/task/<tid>": the kernel's id of this thread, which .NET does not expose.
        _statPath.SetResult(Path.Combine("/proc", new FileInfo("/proc/thread-self").LinkTarget!, "stat"));
        foreach (var task in _tasks.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
