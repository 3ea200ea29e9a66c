using FASTER.core;
using Resumable.Core.Events;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

internal sealed partial class FasterEventLog
{
    private const string LogFileName = "events.log";

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecoveredResponse>> RecoverAsync(CancellationToken cancellationToken)
    {
        if (_options.Durability == DurabilityMode.None)
        {
            return [];
        }

        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_recovered is null)
            {
                await OpenAsync(cancellationToken).ConfigureAwait(false);
                _recovered = Scan();
            }

            return _recovered;
        }
        finally
        {
            _openLock.Release();
        }
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var logPath = Path.Combine(Directory, LogFileName);
        var hadData = System.IO.Directory.EnumerateFiles(Directory, LogFileName + ".*").Any(file => new FileInfo(file).Length > 0);

        _device = Devices.CreateLogDevice(logPath, preallocateFile: false, deleteOnClose: false, recoverDevice: true);
        var settings = new FasterLogSettings
        {
            LogDevice = _device,
            LogCommitDir = Path.Combine(Directory, "commits"),
            PageSize = _options.PageSizeBytes,
            MemorySize = _options.MemorySizeBytes,
            SegmentSize = _options.SegmentSizeBytes,
            LogChecksum = LogChecksumType.PerEntry,
            RemoveOutdatedCommits = true,
            AutoRefreshSafeTailAddress = false,
            // With CreateAsync this asks for an asynchronous recovery whose failures surface (see below).
            TryRecoverLatest = true,
        };

        // Explicit asynchronous recovery: unlike the synchronous constructor, failures surface here.
        try
        {
            _log = await FasterLog.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new WalRecoveryException($"The write-ahead log in '{Directory}' could not be recovered: {ex.Message}", ex);
        }

        if (hadData && _log.CommittedUntilAddress <= _log.BeginAddress)
        {
            throw new WalRecoveryException(
                $"The write-ahead log in '{Directory}' has log files but no commit could be recovered (are the files in 'commits' missing?). " +
                "Refusing to start on an empty log in its place: restore the commit files, or move the directory aside to start empty.");
        }

        LogOpened(Directory, _log.BeginAddress, _log.CommittedUntilAddress);
    }

    // Reads every committed record once; a record that fails its checksum stops start-up rather than being served.
    private List<RecoveredResponse> Scan()
    {
        var log = _log!;
        var builders = new Dictionary<string, Builder>(StringComparer.Ordinal);
        var order = new List<string>();
        using var iterator = log.Scan(log.BeginAddress, log.CommittedUntilAddress);
        while (true)
        {
            byte[] entry;
            int length;
            long address;
            try
            {
                if (!iterator.GetNext(out entry, out length, out address, out _))
                {
                    break;
                }
            }
            catch (Exception ex)
            {
                throw new WalRecoveryException($"The write-ahead log in '{Directory}' is damaged inside committed data near address {iterator.NextAddress}: {ex.Message}", ex);
            }

            if (!WalRecordCodec.TryRead(entry.AsSpan(0, length), out var header, out var payload, out var problem))
            {
                throw new WalRecoveryException($"The write-ahead log in '{Directory}' is damaged inside committed data at address {address}: {problem}.");
            }

            switch (header.Kind)
            {
                case WalRecordKind.Created:
                    builders[header.ResponseId] = new Builder(CreatedRecord.Deserialize(payload), header.TimestampMs);
                    order.Add(header.ResponseId);
                    _firstAddress[header.ResponseId] = address;
                    break;
                case WalRecordKind.Event when builders.TryGetValue(header.ResponseId, out var builder):
                    var frame = new EventFrame(header.SequenceNumber, TypeOf(payload), payload.ToArray());
                    builder.Frames.Add(frame);
                    builder.LastRecordAtMs = header.TimestampMs;
                    break;
                case WalRecordKind.Deleted:
                    builders.Remove(header.ResponseId);
                    _firstAddress.Remove(header.ResponseId);
                    break;
            }
        }

        var recovered = new List<RecoveredResponse>(builders.Count);
        foreach (var id in order)
        {
            if (builders.TryGetValue(id, out var builder))
            {
                recovered.Add(new RecoveredResponse(id, builder.Created, builder.Frames, builder.LastRecordAtMs));
                if (builder.Frames.Count > 0)
                {
                    _cursors.AdvanceDurable(id, builder.Frames[^1].SequenceNumber);
                }
            }
        }

        return recovered;
    }

    // The event line of a frame: "id: N\nevent: TYPE\n…"; interned against the known types.
    private static string TypeOf(ReadOnlySpan<byte> frame)
    {
        var start = frame.IndexOf("\nevent: "u8) + "\nevent: "u8.Length;
        var end = frame[start..].IndexOf((byte)'\n');
        var type = System.Text.Encoding.UTF8.GetString(frame.Slice(start, end));
        return type switch
        {
            ResponseEventTypes.Created => ResponseEventTypes.Created,
            ResponseEventTypes.Queued => ResponseEventTypes.Queued,
            ResponseEventTypes.InProgress => ResponseEventTypes.InProgress,
            ResponseEventTypes.OutputItemAdded => ResponseEventTypes.OutputItemAdded,
            ResponseEventTypes.ContentPartAdded => ResponseEventTypes.ContentPartAdded,
            ResponseEventTypes.OutputTextDelta => ResponseEventTypes.OutputTextDelta,
            ResponseEventTypes.OutputTextDone => ResponseEventTypes.OutputTextDone,
            ResponseEventTypes.ContentPartDone => ResponseEventTypes.ContentPartDone,
            ResponseEventTypes.OutputItemDone => ResponseEventTypes.OutputItemDone,
            ResponseEventTypes.Completed => ResponseEventTypes.Completed,
            ResponseEventTypes.Failed => ResponseEventTypes.Failed,
            ResponseEventTypes.Incomplete => ResponseEventTypes.Incomplete,
            _ => type,
        };
    }

    private sealed class Builder(CreatedRecord created, long createdAtMs)
    {
        public CreatedRecord Created { get; } = created;

        public List<EventFrame> Frames { get; } = [];

        public long LastRecordAtMs { get; set; } = createdAtMs;
    }
}
