using Resumable.Core.Events;

namespace Resumable.Core.Streaming;

/// <summary>
/// The append-only, in-memory event log of one response. One producer appends; any number of readers read
/// from their own position without locks and wait for more. The producer never waits for a reader: a slow
/// reader simply reads a longer run of frames the next time it looks.
/// </summary>
/// <remarks>
/// Lock-free reads rely on publication order: <see cref="Append"/> stores the frame (and a grown array)
/// before it publishes the new count with a volatile write, and readers read the count before the array,
/// so every index below a count a reader has seen is filled in the array it then reads. Arrays are only
/// ever replaced by larger copies, never cleared, so a reader holding an old array still sees valid frames.
/// Completion has no flag of its own: the log is completed exactly when its last frame is the terminal one,
/// so whoever sees the log completed has, in the same read of the count, the terminal frame in reach.
/// </remarks>
public sealed class ResponseLog : IFrameSink, IFrameSource
{
    private const int InitialCapacity = 16;

    private readonly Lock _gate = new();
    private EventFrame[] _frames = new EventFrame[InitialCapacity];
    private int _count;
    private long _bytes;
    private TaskCompletionSource? _appended;

    /// <summary>An empty log, to which the pipeline appends.</summary>
    public ResponseLog()
    {
    }

    // A completed log of frames read back from storage.
    private ResponseLog(EventFrame[] frames)
    {
        _frames = frames;
        _count = frames.Length;
        foreach (var frame in frames)
        {
            _bytes += frame.Bytes.Length;
        }
    }

    /// <summary>A completed, read-only log of a finished response's frames read back from the event log (a cold replay).</summary>
    public static ResponseLog Completed(EventFrame[] frames) => new(frames);

    /// <summary>The number of frames appended so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether the terminal frame has been appended; no frame follows it.</summary>
    public bool IsCompleted
    {
        get
        {
            ReadFrom(0, out var completed);
            return completed;
        }
    }

    /// <summary>The total size of the frames, in bytes.</summary>
    public long ByteCount => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Appends a frame and wakes waiting readers. Returns once the frame is visible to readers; never blocks
    /// on them. Throws if the log is already completed (the sequencer guarantees one terminal frame).
    /// </summary>
    public void Append(EventFrame frame)
    {
        TaskCompletionSource? toWake;
        lock (_gate)
        {
            if (_count > 0 && _frames[_count - 1].IsTerminal)
            {
                throw new InvalidOperationException("The response log is already completed.");
            }

            var frames = _frames;
            if (_count == frames.Length)
            {
                var grown = new EventFrame[frames.Length * 2];
                Array.Copy(frames, grown, frames.Length);
                grown[_count] = frame;
                Volatile.Write(ref _frames, grown);
            }
            else
            {
                frames[_count] = frame;
            }

            Interlocked.Add(ref _bytes, frame.Bytes.Length);
            Volatile.Write(ref _count, _count + 1);
            toWake = _appended;
            _appended = null;
        }

        // Readers continue asynchronously (RunContinuationsAsynchronously), so the producer never runs their writes.
        toWake?.TrySetResult();
    }

    /// <inheritdoc />
    public void Release(EventFrame frame) => Append(frame);

    /// <summary>The frames from <paramref name="position"/> up to the current end (possibly empty). Lock-free.</summary>
    public ReadOnlyMemory<EventFrame> ReadFrom(int position) => ReadFrom(position, out _);

    /// <inheritdoc />
    public ReadOnlyMemory<EventFrame> ReadFrom(int position, out bool completed)
    {
        var count = Volatile.Read(ref _count);
        var frames = Volatile.Read(ref _frames);
        completed = count > 0 && frames[count - 1].IsTerminal;
        return position >= count ? ReadOnlyMemory<EventFrame>.Empty : new ReadOnlyMemory<EventFrame>(frames, position, count - position);
    }

    /// <summary>
    /// The index of the first frame whose sequence number is greater than <paramref name="sequenceNumber"/>
    /// (<see cref="Count"/> when there is none yet). Sequence numbers increase along the log but may jump,
    /// so this searches rather than assuming index equals number.
    /// </summary>
    public int IndexAfter(long sequenceNumber)
    {
        var frames = ReadFrom(0).Span;
        int low = 0, high = frames.Length;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (frames[middle].SequenceNumber <= sequenceNumber)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>The sequence number of the last frame, or -1 when the log is empty.</summary>
    public long LastSequenceNumber
    {
        get
        {
            var frames = ReadFrom(0).Span;
            return frames.IsEmpty ? -1 : frames[^1].SequenceNumber;
        }
    }

    /// <inheritdoc />
    public Task WaitForFrameAsync(int position, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _count) > position || IsCompleted)
        {
            return Task.CompletedTask;
        }

        Task appended;
        lock (_gate)
        {
            if (_count > position || (_count > 0 && _frames[_count - 1].IsTerminal))
            {
                return Task.CompletedTask;
            }

            // One completion source is shared by every reader waiting on this log.
            _appended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            appended = _appended.Task;
        }

        return cancellationToken.CanBeCanceled ? appended.WaitAsync(cancellationToken) : appended;
    }
}
