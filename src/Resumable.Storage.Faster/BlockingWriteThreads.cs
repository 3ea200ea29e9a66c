namespace Resumable.Storage.Faster;

/// <summary>
/// Keeps the thread pool free for streaming while the disk is slow. FasterLog's device on Linux writes through
/// <see cref="FileStream"/>, whose asynchronous writes run as blocking calls on thread-pool threads, one per write in
/// flight: when the disk stalls, one per log page being flushed. The pool replaces blocked threads only slowly
/// (about one new thread every half second), and its minimum is the number of cores, so on a small machine readers
/// would wait seconds for a thread. The minimum is raised, once per process, by the writes the log can have in
/// flight.
/// </summary>
internal static class BlockingWriteThreads
{
    private static readonly Lock Gate = new();
    private static int reserved;

    /// <summary>The writes a log can have in flight: a flush per page of its memory, plus its commit and segment files.</summary>
    public static int InFlightWrites(WalOptions options) => (int)(options.MemorySizeBytes / options.PageSizeBytes) + 2;

    /// <summary>
    /// Raises the pool's minimum so that it covers <paramref name="writes"/> blocked writes on top of the minimum it
    /// had before the first reservation; an earlier, larger reservation already covers it.
    /// </summary>
    public static void Reserve(int writes)
    {
        lock (Gate)
        {
            if (writes <= reserved)
            {
                return;
            }

            ThreadPool.GetMinThreads(out var workers, out var completionPorts);
            if (ThreadPool.SetMinThreads(workers + writes - reserved, completionPorts))
            {
                reserved = writes;
            }
        }
    }
}
