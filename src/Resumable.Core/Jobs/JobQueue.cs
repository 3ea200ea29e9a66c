using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Resumable.Core.Responses;

namespace Resumable.Core.Jobs;

/// <summary>The bounded queue between admission and the workers. Admission never waits: a full queue is refused.</summary>
internal sealed class JobQueue
{
    private readonly Channel<ResponseEntry> _channel;

    /// <summary>Creates a queue of <see cref="QueueOptions.Capacity"/> entries.</summary>
    public JobQueue(IOptions<QueueOptions> options)
    {
        _channel = Channel.CreateBounded<ResponseEntry>(new BoundedChannelOptions(options.Value.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
        Capacity = options.Value.Capacity;
    }

    /// <summary>The configured capacity.</summary>
    public int Capacity { get; }

    /// <summary>Responses waiting for a worker, including ones cancelled while queued (skipped when dequeued).</summary>
    public int Depth => _channel.Reader.Count;

    /// <summary>Queues <paramref name="entry"/>; false when the queue is full.</summary>
    public bool TryEnqueue(ResponseEntry entry) => _channel.Writer.TryWrite(entry);

    /// <summary>Waits for the next queued response.</summary>
    public ValueTask<ResponseEntry> DequeueAsync(CancellationToken cancellationToken) => _channel.Reader.ReadAsync(cancellationToken);

    /// <summary>Takes every queued response without waiting (shutdown).</summary>
    public IEnumerable<ResponseEntry> DrainWithoutWaiting()
    {
        while (_channel.Reader.TryRead(out var entry))
        {
            yield return entry;
        }
    }
}
