using System.Threading.Channels;
using FASTER.core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// The write-ahead log on FASTER's <see cref="FasterLog"/>: one log per node. Recording methods only queue a
/// record (they never touch the disk and never wait); one writer task moves queued records into the log's
/// memory, and one committer task commits every <see cref="WalOptions.CommitInterval"/> (or earlier when
/// <see cref="WalOptions.CommitThresholdBytes"/> are pending) and then advances the durable cursor of every
/// response the commit covered. With <see cref="DurabilityMode.None"/> it opens nothing and keeps nothing.
/// </summary>
internal sealed partial class FasterEventLog : IEventLog, IHostedService, IAsyncDisposable
{
    // Records flow to a single writer; the queue is unbounded so that producers never wait for the disk.
    private static readonly UnboundedChannelOptions QueueOptions = new()
    {
        SingleReader = true,
        SingleWriter = false,
        AllowSynchronousContinuations = false,
    };

    private readonly WalOptions _options;
    private readonly IDurabilityListener _durability;
    private readonly CommitFiles _commitFiles;
    private readonly FasterLogOpener _opener;
    private readonly RecoveryScan _scan;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FasterEventLog> _logger;
    private readonly Channel<PendingRecord> _queue = Channel.CreateUnbounded<PendingRecord>(QueueOptions);
    private readonly SemaphoreSlim _commitSignal = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();

    // Cancelled once stopping has waited ShutdownTimeout: a commit still in flight is no longer waited for.
    private readonly CancellationTokenSource _abandonCommits = new();
    private int _abandoned;
    private readonly WalBacklog _backlog;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private readonly ActiveLog _active = new();
    private readonly LogRetention _retention = new();
    private IReadOnlyList<RecoveredResponse>? _recovered;
    private Task _writer = Task.CompletedTask;
    private Task _committer = Task.CompletedTask;
    private int _disposed;
    private volatile bool _stopRequested;

    // FasterLog holds an entry only within one page, with its own 12-byte header and 4-byte alignment.
    private readonly int _maxRecordBytes;
    private readonly int _maxBatchBytes;

    public FasterEventLog(IOptions<WalOptions> options, ICursorStore cursors, TimeProvider timeProvider, ILogger<FasterEventLog> logger, ILogDeviceFactory? deviceFactory = null)
    {
        _options = options.Value;
        _durability = new CursorStoreDurabilityListener(cursors);
        _timeProvider = timeProvider;
        _logger = logger;
        Directory = Path.GetFullPath(_options.Directory);
        _maxRecordBytes = (int)Math.Min(int.MaxValue, _options.PageSizeBytes - 32);
        _maxBatchBytes = (int)Math.Min(256 * 1024, _options.PageSizeBytes / 4);
        _backlog = new WalBacklog(_options.MaxPendingBytes);
        _commitFiles = new CommitFiles(Path.Combine(Directory, "commits", "log-commits"), logger);
        _opener = new FasterLogOpener(_options, Directory, deviceFactory ?? new LocalLogDeviceFactory(), _commitFiles, timeProvider, logger);
        _scan = new RecoveryScan(Directory, _retention, _durability);
    }

    /// <summary>The absolute directory of the log.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public DurabilityMode Mode => _options.Durability;

    /// <inheritdoc />
    public string? Saturation => _options.Durability == DurabilityMode.None ? null : _backlog.Saturation(_active.Log);

    /// <inheritdoc />
    public void RecordCreated(string responseId, CreatedRecord created) =>
        Queue(new PendingRecord(new WalRecordHeader(WalRecordKind.Created, WalRecordFlags.None, responseId, -1, NowMs()), created.Serialize()));

    /// <inheritdoc />
    public void Enqueue(string responseId, EventFrame frame, IFrameSink? releaseAfterCommit = null) =>
        Queue(new PendingRecord(
            new WalRecordHeader(WalRecordKind.Event, frame.IsTerminal ? WalRecordFlags.Terminal : WalRecordFlags.None, responseId, frame.SequenceNumber, NowMs()),
            frame.Bytes,
            Frame: releaseAfterCommit is null ? null : frame,
            ReleaseTo: releaseAfterCommit));

    /// <inheritdoc />
    public void RecordDeleted(string responseId) =>
        Queue(new PendingRecord(new WalRecordHeader(WalRecordKind.Deleted, WalRecordFlags.None, responseId, -1, NowMs()), ReadOnlyMemory<byte>.Empty));

    /// <inheritdoc />
    public void Release(string responseId) =>
        Queue(new PendingRecord(new WalRecordHeader(WalRecordKind.Deleted, WalRecordFlags.None, responseId, -1, NowMs()), ReadOnlyMemory<byte>.Empty, ReleaseOnly: true));

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecoveredResponse>> RecoverAsync(CancellationToken cancellationToken)
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return [];
        }

        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);

        // Handed out once (to the recovery service) and then dropped, so that the log does not keep the
        // recovered frames alive after their responses expire.
        return Interlocked.Exchange(ref _recovered, []) ?? [];
    }

    /// <summary>Opens the log and starts the writer and committer.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return;
        }

        // Opened here, before recovery and the workers start; the recovered responses wait for the recovery service.
        await EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        _writer = Task.Run(WriteLoopAsync, CancellationToken.None);
        _committer = Task.Run(CommitLoopAsync, CancellationToken.None);
    }

    /// <summary>
    /// Drains the queue and commits what is left, waiting at most <see cref="WalOptions.ShutdownTimeout"/>; past it
    /// logs what was not committed and gives up on it, as a crash would. <see cref="DisposeAsync"/> closes the log.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        _stopRequested = true;
        _queue.Writer.TryComplete();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await _writer.WaitAsync(deadline.Token).ConfigureAwait(false);
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _committer.WaitAsync(deadline.Token).ConfigureAwait(false);
            await CommitPendingAsync(CancellationToken.None).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await AbandonAtShutdownAsync().ConfigureAwait(false);
        }
    }

    // The disk does not keep up: what is still queued or uncommitted stays so, and may be lost as in a crash (its
    // durable cursors never passed it). The writer stops waiting for log memory, the committer for its commit.
    private async Task AbandonAtShutdownAsync()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 1)
        {
            return;
        }

        _logger.WalNotDurableAtShutdown(_options.ShutdownTimeout.TotalSeconds, Interlocked.Read(ref _pendingRecords) + _backlog.QueuedRecords, _backlog.PendingBytes(_active.Log));
        await _abandonCommits.CancelAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        // The container disposes this instance once per registration that resolves it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopRequested = true;
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            var loops = Task.WhenAll(_writer, _committer);
            try
            {
                // Wall-clock time: what is waited for is a real disk.
                await loops.WaitAsync(_options.ShutdownTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A commit is stuck on the disk: stop waiting for it.
                await AbandonAtShutdownAsync().ConfigureAwait(false);
                await loops.ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // The log is closed regardless.
            _logger.WalWriteFailed(ex);
        }

        // A final commit of StopAsync finishes first; one that starts later finds no log and does nothing.
        await _commitLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // Whatever no commit covered is released to sync readers and reported to waiters, never left hanging.
            AbandonAwaitingCommit("The write-ahead log was closed.");

            // A cold read still on the log disposes it when it is done.
            _active.Close();
        }
        finally
        {
            _commitLock.Release();
        }
        // The semaphores and the token source hold no unmanaged handle here and may still be touched by a
        // late StopAsync, so they are left to the collector.
    }

    private void Queue(in PendingRecord record)
    {
        if (_options.Durability == DurabilityMode.None)
        {
            record.ReleaseTo?.Release(record.Frame!);
            return;
        }

        _backlog.Queued(record);
        if (!_queue.Writer.TryWrite(record))
        {
            _backlog.Taken(record);
            // Only after shutdown began; the record was never reported durable, so nothing is promised.
            _logger.WalRecordDropped(record.Header.Kind, record.Header.ResponseId);
            record.Committed?.TrySetException(new ObjectDisposedException(nameof(FasterEventLog), "The write-ahead log has stopped."));
        }
    }

    // Opens the log and reads what it holds, once.
    private async Task EnsureOpenAsync(CancellationToken cancellationToken)
    {
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_recovered is null)
            {
                var instance = await _opener.OpenAsync(cancellationToken).ConfigureAwait(false);
                _active.Open(instance);
                _recovered = _scan.Read(instance.Log);
            }
        }
        finally
        {
            _openLock.Release();
        }
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
