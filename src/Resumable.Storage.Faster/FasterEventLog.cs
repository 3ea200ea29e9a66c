using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Resumable.Core.Cursors;
using Resumable.Core.Diagnostics;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// The write-ahead log on FASTER's <see cref="FASTER.core.FasterLog"/>: one log per node. Recording methods only
/// queue a record (they never touch the disk and never wait); one writer task (<see cref="WalWriter"/>) moves
/// queued records into the log's memory, and one committer task (<see cref="GroupCommitter"/>) commits every
/// <see cref="WalOptions.CommitInterval"/> (or earlier when <see cref="WalOptions.CommitThresholdBytes"/> are
/// pending) and then advances the durable cursor of every response the commit covered. With
/// <see cref="DurabilityMode.None"/> it opens nothing and keeps nothing. This type composes the parts and runs
/// their lifetime; each part owns its state.
/// </summary>
internal sealed class FasterEventLog : IEventLog, IHostedService, IAsyncDisposable
{
    private readonly WalOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FasterEventLog> _logger;
    private readonly WalRecordQueue _queue;
    private readonly WalShutdown _shutdown = new();
    private readonly WalFault _fault = new();
    private readonly LostRecords _lost = new();
    private readonly ActiveLog _active = new();
    private readonly AwaitingCommitQueue _awaiting;
    private readonly GroupCommitter _committer;
    private readonly WalWriter _writer;
    private readonly LogReopener _reopener;
    private readonly FasterLogOpener _opener;
    private readonly RecoveryScan _scan;
    private readonly ColdCopies _cold;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private IReadOnlyList<RecoveredResponse>? _recovered;
    private Task _writerTask = Task.CompletedTask;
    private Task _committerTask = Task.CompletedTask;

    /// <summary>
    /// A log configured by <paramref name="options"/> that reports durability to <paramref name="cursors"/> and then
    /// to each of <paramref name="publishers"/>, on devices from <paramref name="deviceFactory"/> (local files by
    /// default), and counts its commits in <paramref name="metrics"/> when given. Opens nothing until started.
    /// </summary>
    public FasterEventLog(
        IOptions<WalOptions> options,
        ICursorStore cursors,
        TimeProvider timeProvider,
        ILogger<FasterEventLog> logger,
        ILogDeviceFactory? deviceFactory = null,
        IEnumerable<ICursorPublisher>? publishers = null,
        ResumableMetrics? metrics = null)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        Directory = Path.GetFullPath(_options.Directory);

        // Every durable cursor the log reports goes through this one listener (see GroupCommitter.PublishCommitted).
        IDurabilityListener durability = new CursorStoreDurabilityListener(cursors, publishers?.ToArray() ?? []);
        var retention = new LogRetention();
        var commitRecords = new CommitRecords(Path.Combine(Directory, "commits", "log-commits"), logger);
        _queue = new WalRecordQueue(_options.Durability == DurabilityMode.None, _options.MaxPendingBytes, logger);
        _awaiting = new AwaitingCommitQueue(_options.CommitThresholdBytes);
        _opener = new FasterLogOpener(_options, Directory, deviceFactory ?? new LocalLogDeviceFactory(), commitRecords, timeProvider, logger);
        _scan = new RecoveryScan(Directory, retention, durability);
        _committer = new GroupCommitter(_options, _active, _awaiting, retention, _lost, _fault, _shutdown, durability, metrics, logger);
        _reopener = new LogReopener(_options, _opener, _active, _committer, _awaiting, retention, _lost, _fault, _shutdown, timeProvider, logger);
        _writer = new WalWriter(_options, _queue, _active, _awaiting, retention, _lost, _fault, _shutdown, _reopener, logger);
        _cold = new ColdCopies(_options, _queue, _active, _fault, timeProvider);
    }

    /// <summary>The absolute directory of the log.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public DurabilityMode Mode => _options.Durability;

    /// <inheritdoc />
    public string? Fault => _fault.Message;

    /// <inheritdoc />
    public string? Saturation => _options.Durability == DurabilityMode.None ? null : _queue.Backlog.Saturation(_active.Log);

    /// <inheritdoc />
    public void RecordCreated(string responseId, CreatedRecord created) =>
        _queue.Add(new PendingRecord(new WalRecordHeader(WalRecordKind.Created, WalRecordFlags.None, responseId, -1, NowMs()), created.Serialize()));

    /// <inheritdoc />
    public void Enqueue(string responseId, EventFrame frame, IFrameSink? releaseAfterCommit = null) =>
        _queue.Add(new PendingRecord(
            new WalRecordHeader(WalRecordKind.Event, frame.IsTerminal ? WalRecordFlags.Terminal : WalRecordFlags.None, responseId, frame.SequenceNumber, NowMs()),
            frame.Bytes,
            Frame: releaseAfterCommit is null ? null : frame,
            ReleaseTo: releaseAfterCommit));

    /// <inheritdoc />
    public void RecordDeleted(string responseId) =>
        _queue.Add(new PendingRecord(new WalRecordHeader(WalRecordKind.Deleted, WalRecordFlags.None, responseId, -1, NowMs()), ReadOnlyMemory<byte>.Empty));

    /// <inheritdoc />
    public void Release(string responseId) =>
        _queue.Add(new PendingRecord(new WalRecordHeader(WalRecordKind.Deleted, WalRecordFlags.None, responseId, -1, NowMs()), ReadOnlyMemory<byte>.Empty, ReleaseOnly: true));

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

    /// <inheritdoc />
    public Task<ColdCopy> ConsolidateAsync(string responseId, ReadOnlyMemory<EventFrame> frames, CancellationToken cancellationToken) =>
        _cold.ConsolidateAsync(responseId, frames, cancellationToken);

    /// <inheritdoc />
    public Task<EventFrame[]> ReadColdAsync(string responseId, ColdCopy cold, CancellationToken cancellationToken) =>
        _cold.ReadColdAsync(responseId, cold, cancellationToken);

    /// <inheritdoc />
    public WalStatistics? GetStatistics()
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return null;
        }

        var log = _active.Log;
        var commits = _committer.Commits;
        var records = _committer.RecordsCommitted;
        return new WalStatistics(
            Directory,
            log?.BeginAddress ?? 0,
            log?.TailAddress ?? 0,
            log?.CommittedUntilAddress ?? 0,
            SizeOnDisk(),
            commits,
            records,
            commits == 0 ? 0 : (double)records / commits,
            _committer.LastCommitTime.TotalMilliseconds,
            _committer.MaxCommitTime.TotalMilliseconds,
            _awaiting.PendingRecords,
            _queue.Backlog.PendingBytes(log),
            _queue.Backlog.MaxPendingBytes,
            _fault.Message,
            _reopener.Reopens,
            _lost.UnpersistableCount);
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
        _writerTask = Task.Run(_writer.RunAsync, CancellationToken.None);
        _committerTask = Task.Run(_committer.RunAsync, CancellationToken.None);
    }

    /// <summary>
    /// Drains the queue and commits what is left, waiting at most <see cref="WalOptions.ShutdownTimeout"/>; past it
    /// logs what was not committed and gives up on it, as a crash would. <see cref="DisposeAsync"/> closes the log.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_shutdown.IsDisposed)
        {
            return;
        }

        _shutdown.RequestStop();
        _queue.Complete();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ShutdownTimeout);
        try
        {
            await _writerTask.WaitAsync(deadline.Token).ConfigureAwait(false);
            await _shutdown.EndLoopsAsync().ConfigureAwait(false);
            await _committerTask.WaitAsync(deadline.Token).ConfigureAwait(false);
            await _committer.CommitPendingAsync(CancellationToken.None).WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            await AbandonAtShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes the log: ends the writer and committer (waiting at most <see cref="WalOptions.ShutdownTimeout"/> for a
    /// commit in flight), reports whatever no commit covered to its waiters, and retires the FasterLog instance, which
    /// a cold read still on it disposes when it is done.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        // The container disposes this instance once per registration that resolves it.
        if (!_shutdown.TryBeginDispose())
        {
            return;
        }

        _shutdown.RequestStop();
        _queue.Complete();
        await _shutdown.EndLoopsAsync().ConfigureAwait(false);
        try
        {
            var loops = Task.WhenAll(_writerTask, _committerTask);
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

        // A final commit of StopAsync finishes first; one that starts later finds the log closing and does nothing.
        await _committer.PauseAsync().ConfigureAwait(false);
        try
        {
            // Whatever no commit covered is released to sync readers and reported to waiters, never left hanging.
            _committer.AbandonAwaitingCommit("The write-ahead log was closed.");

            // A cold read still on the log disposes it when it is done.
            _active.Close();
        }
        finally
        {
            _committer.Resume();
        }

        // The semaphores and the token sources hold no unmanaged handle here and may still be touched by a
        // late StopAsync, so they are left to the collector.
    }

    // The disk does not keep up: what is still queued or uncommitted stays so, and may be lost as in a crash (its
    // durable cursors never passed it). The writer stops waiting for log memory, the committer for its commit.
    private async Task AbandonAtShutdownAsync()
    {
        if (!_shutdown.BeginAbandon())
        {
            return;
        }

        _logger.WalNotDurableAtShutdown(_options.ShutdownTimeout.TotalSeconds, _awaiting.PendingRecords + _queue.Backlog.QueuedRecords, _queue.Backlog.PendingBytes(_active.Log));
        await _shutdown.AbandonAsync().ConfigureAwait(false);
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

    private long SizeOnDisk()
    {
        try
        {
            return new DirectoryInfo(Directory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private long NowMs() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
}
