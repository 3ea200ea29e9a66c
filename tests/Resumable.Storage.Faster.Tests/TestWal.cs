using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

/// <summary>A small real FasterLog for tests (1 MiB segments, 64 KiB pages, 2 ms commits, reopening every 50 ms) and frames to put in it.</summary>
internal static class TestWal
{
    public static FasterEventLog Open(string directory, ICursorStore? cursors = null, ILogDeviceFactory? devices = null, DurabilityMode durability = DurabilityMode.Async, TimeSpan? commitInterval = null) => new(
        Options.Create(new WalOptions { Durability = durability, Directory = directory, CommitInterval = commitInterval ?? TimeSpan.FromMilliseconds(2), ReopenInterval = TimeSpan.FromMilliseconds(50), SegmentSizeBytes = 1L << 20, PageSizeBytes = 1L << 16, MemorySizeBytes = 1L << 20 }),
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

    public static CreatedRecord Created(string input) => new("tenant-a", 1_700_000_000_000, "msg_1", new ResponseRequest
    {
        Model = "synthetic",
        Input = [new InputMessage("msg_in", "user", [new InputTextPart("input_text", input)])],
        Background = true,
        Metadata = new Dictionary<string, string> { ["k"] = "v" },
    });

    public static async Task WaitDurableAsync(ICursorStore cursors, string id, long sequence)
    {
        await Eventually.UntilAsync(() => cursors.GetDurable(id) == sequence, $"event {sequence} of {id} to be durable");
        Assert.Equal(sequence, cursors.GetDurable(id));
    }

    /// <summary>Writes a whole response (creation, deltas, a terminal event) and waits until all of it is durable.</summary>
    public static async Task<List<EventFrame>> WriteResponseAsync(FasterEventLog log, ICursorStore cursors, string id, int events, int padding = 0)
    {
        log.RecordCreated(id, Created("hello 世界"));
        var frames = new List<EventFrame>();
        for (var i = 0; i < events; i++)
        {
            var frame = Frame(i, i == events - 1 ? ResponseEventTypes.Completed : ResponseEventTypes.OutputTextDelta, $"token {i} 🚀" + new string('.', padding));
            frames.Add(frame);
            log.Enqueue(id, frame);
        }

        await WaitDurableAsync(cursors, id, events - 1);
        return frames;
    }

    public static void AssertSameFrames(IReadOnlyList<EventFrame> expected, IReadOnlyList<EventFrame> actual)
    {
        Assert.Equal(expected.Select(f => f.SequenceNumber), actual.Select(f => f.SequenceNumber));
        Assert.Equal(expected.Select(f => f.Type), actual.Select(f => f.Type));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Bytes.Span.SequenceEqual(actual[i].Bytes.Span), $"frame {i} differs");
        }
    }
}
