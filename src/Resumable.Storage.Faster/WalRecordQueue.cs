using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Resumable.Storage.Faster;

/// <summary>
/// Where producers put records for the writer: adding never touches the disk and never waits. With
/// <see cref="Resumable.Core.Persistence.DurabilityMode.None"/> nothing is queued (a sync frame is released at once).
/// </summary>
internal sealed class WalRecordQueue(bool memoryOnly, long maxPendingBytes, ILogger logger)
{
    // Records flow to a single writer; the queue is unbounded so that producers never wait for the disk.
    private static readonly UnboundedChannelOptions QueueOptions = new()
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    };

    private readonly Channel<PendingRecord> _channel = Channel.CreateUnbounded<PendingRecord>(QueueOptions);

    /// <summary>What waits for the disk, queued here or uncommitted in the log's memory.</summary>
    public WalBacklog Backlog { get; } = new(maxPendingBytes);

    /// <summary>The writer's end.</summary>
    public ChannelReader<PendingRecord> Reader => _channel.Reader;

    /// <summary>Queues a record for the writer (any producer, any thread). Returns at once.</summary>
    public void Add(in PendingRecord record)
    {
        if (memoryOnly)
        {
            record.ReleaseTo?.Release(record.Frame!);
            return;
        }

        Backlog.Queued(record);
        if (!_channel.Writer.TryWrite(record))
        {
            Backlog.Taken(record);

            // Only after shutdown began; the record was never reported durable, so nothing is promised.
            logger.WalRecordDropped(record.Header.Kind, record.Header.ResponseId);
            record.Committed?.TrySetException(new ObjectDisposedException(nameof(FasterEventLog), "The write-ahead log has stopped."));
        }
    }

    /// <summary>Takes no more records: the writer drains what is queued and ends.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
