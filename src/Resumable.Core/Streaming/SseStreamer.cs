using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using Resumable.Core.Diagnostics;

namespace Resumable.Core.Streaming;

/// <summary>
/// Copies a response log to one reader's output from a position on: the frames already there at once, then
/// each new frame as it is appended, until the terminal frame. A reader that is behind drains everything
/// available (up to <see cref="StreamingOptions.MaxFlushBytes"/>) and flushes once; a reader that is caught
/// up gets each frame the moment it is appended. The producer never waits for this loop.
/// </summary>
public sealed class SseStreamer(IOptions<StreamingOptions> options, TimeProvider timeProvider, ResumableMetrics metrics)
{
    private static ReadOnlySpan<byte> KeepAlive => ": keep-alive\n\n"u8;

    private readonly TimeSpan _keepAliveInterval = options.Value.KeepAliveInterval;
    private readonly int _maxFlushBytes = options.Value.MaxFlushBytes;

    /// <summary>
    /// Writes frames from index <paramref name="position"/> of <paramref name="log"/> to <paramref name="output"/>.
    /// Returns true after the terminal frame was flushed, false when the output was closed or
    /// <paramref name="cancellationToken"/> fired first (the client went away).
    /// </summary>
    public async Task<bool> StreamAsync(IFrameSource log, int position, PipeWriter output, CancellationToken cancellationToken)
    {
        metrics.StreamStarted();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // Frames and completion from one snapshot: a terminal frame appended after this read is found by
                // the next one, never skipped because the log looked completed in between.
                var frames = log.ReadFrom(position, out var completed);
                if (!frames.IsEmpty)
                {
                    var (written, terminal) = WriteBatch(frames.Span, output);
                    position += written;
                    var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (terminal)
                    {
                        return true;
                    }

                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return false;
                    }

                    continue;
                }

                if (completed)
                {
                    // The terminal frame lies before this reader's position (it resumed after the end).
                    return true;
                }

                if (!await WaitForFrameAsync(log, position, cancellationToken).ConfigureAwait(false))
                {
                    output.Write(KeepAlive);
                    var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (flush.IsCompleted || flush.IsCanceled)
                    {
                        return false;
                    }
                }
            }

            return false;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            metrics.StreamEnded();
        }
    }

    private (int Written, bool Terminal) WriteBatch(ReadOnlySpan<Events.EventFrame> frames, PipeWriter output)
    {
        var bytes = 0;
        var count = 0;
        foreach (var frame in frames)
        {
            output.Write(frame.Bytes.Span);
            count++;
            bytes += frame.Bytes.Length;
            if (frame.IsTerminal)
            {
                return (count, true);
            }

            if (bytes >= _maxFlushBytes)
            {
                break;
            }
        }

        return (count, false);
    }

    // True when a frame arrived, false when the keep-alive interval passed first.
    private async Task<bool> WaitForFrameAsync(IFrameSource log, int position, CancellationToken cancellationToken)
    {
        try
        {
            await log.WaitForFrameAsync(position, CancellationToken.None).WaitAsync(_keepAliveInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
