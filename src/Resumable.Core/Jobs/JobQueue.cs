using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Resumable.Core.Entries;

namespace Resumable.Core.Jobs;

/// <summary>
/// The bounded queue between admission and the workers. Admission never waits: a full queue is refused. A queued
/// response that ends before a worker takes it (cancelled, deleted) gives its place back at once, so the bound
/// counts only responses that still wait for a worker.
/// </summary>
public sealed class JobQueue
{
    // The bound is the slot count below, not the channel's: a cancelled job's channel item stays until a worker
    // skips it, but its slot is free from the moment it was cancelled.
    private static readonly UnboundedChannelOptions ChannelOptions = new()
    {
        SingleReader = false,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    };

    private readonly Channel<QueuedJob> _channel = Channel.CreateUnbounded<QueuedJob>(ChannelOptions);
    private int _depth;

    /// <summary>Creates a queue of <see cref="QueueOptions.Capacity"/> entries.</summary>
    public JobQueue(IOptions<QueueOptions> options)
    {
        Capacity = options.Value.Capacity;
    }

    /// <summary>The configured capacity.</summary>
    public int Capacity { get; }

    /// <summary>Responses waiting for a worker (not counting ones that ended while queued).</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Queues <paramref name="entry"/>; false when the queue is full.</summary>
    public bool TryEnqueue(ResponseEntry entry)
    {
        if (Interlocked.Increment(ref _depth) > Capacity)
        {
            Interlocked.Decrement(ref _depth);
            return false;
        }

        var job = new QueuedJob(entry, this);

        // The response's job cancellation fires when it ends for any reason (cancel, delete, failure): the slot
        // is given back then, not when a worker gets round to skipping it.
        job.Ended = entry.JobCancellation.Token.UnsafeRegister(static state => ((QueuedJob)state!).TryFreeSlot(), job);
        if (!_channel.Writer.TryWrite(job))
        {
            job.TryFreeSlot();
            return false;
        }

        return true;
    }

    /// <summary>Waits for the next queued response that has not ended while it waited.</summary>
    public async ValueTask<ResponseEntry> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Take(job))
            {
                return job.Entry;
            }
        }
    }

    /// <summary>Takes every queued response without waiting (shutdown).</summary>
    public IEnumerable<ResponseEntry> DrainWithoutWaiting()
    {
        while (_channel.Reader.TryRead(out var job))
        {
            if (Take(job))
            {
                yield return job.Entry;
            }
        }
    }

    // Whether the job still held its slot (it had not ended while queued); either way it holds none now.
    private static bool Take(QueuedJob job)
    {
        job.Ended.Dispose();
        return job.TryFreeSlot();
    }

    private sealed class QueuedJob(ResponseEntry entry, JobQueue queue)
    {
        private int _slotFreed;

        public ResponseEntry Entry { get; } = entry;

        public CancellationTokenRegistration Ended { get; set; }

        // Exactly once, by whichever comes first: a worker taking the job, or the response ending while queued.
        public bool TryFreeSlot()
        {
            if (Interlocked.Exchange(ref _slotFreed, 1) != 0)
            {
                return false;
            }

            Interlocked.Decrement(ref queue._depth);
            return true;
        }
    }
}
