using Resumable.Core.Events;

namespace Resumable.Core.Streaming;

/// <summary>
/// What a reader of a response's events needs: snapshots of the frames from a position on, and a wait for more.
/// <see cref="ResponseLog"/> is the one implementation; the seam lets tests script the interleavings that a
/// reader must survive (a frame appended just after a read that found none).
/// </summary>
public interface IFrameSource
{
    /// <summary>
    /// The frames from <paramref name="position"/> up to the end as it is now (possibly none), and whether that
    /// same snapshot of the log ends with the terminal frame. Both come from one read of the log's length, so a
    /// reader that finds no frame and <paramref name="completed"/> true has already been given the terminal frame.
    /// </summary>
    ReadOnlyMemory<EventFrame> ReadFrom(int position, out bool completed);

    /// <summary>
    /// Completes when a frame at or after <paramref name="position"/> exists or the log is completed; synchronously
    /// when that is already true.
    /// </summary>
    Task WaitForFrameAsync(int position, CancellationToken cancellationToken);
}
