using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Resumable.Core.Cursors;
using Resumable.Core.Events;

namespace Resumable.Storage.Faster.Tests;

/// <summary>A small real FasterLog for tests (1 MiB segments, 64 KiB pages, 2 ms commits) and frames to put in it.</summary>
internal static class TestWal
{
    public static FasterEventLog Open(string directory, ICursorStore? cursors = null, ILogDeviceFactory? devices = null) => new(
        Options.Create(new WalOptions { Directory = directory, CommitInterval = TimeSpan.FromMilliseconds(2), SegmentSizeBytes = 1L << 20, PageSizeBytes = 1L << 16, MemorySizeBytes = 1L << 20 }),
        cursors ?? new InMemoryCursorStore(),
        TimeProvider.System,
        NullLogger<FasterEventLog>.Instance,
        devices);

    public static EventFrame Frame(long sequence, string type, string delta)
    {
        var encoder = SseFrameEncoder.ForCurrentThread;
        encoder.Begin(sequence, type).WriteString("delta", delta);
        return new EventFrame(sequence, type, encoder.Finish());
    }
}
