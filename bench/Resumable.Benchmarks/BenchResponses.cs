using System.Diagnostics.Metrics;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Responses;

namespace Resumable.Benchmarks;

/// <summary>What every benchmark needs: a response to sequence into, metrics, and ready-made frames.</summary>
internal static class BenchResponses
{
    public const string Delta = "数据 ";

    public static ResponseEntry NewEntry() => new(
        ResponseId.New(),
        "tenant-bench",
        new ResponseRequest { Model = "synthetic", Input = [new InputMessage("msg_in", "user", [new InputTextPart("input_text", "benchmark")])] },
        DateTimeOffset.UnixEpoch);

    public static ResumableMetrics Metrics() => new(new MeterFactory());

    /// <summary>Encoded output_text.delta frames, as the sequencer makes them.</summary>
    public static EventFrame[] DeltaFrames(int count)
    {
        var entry = NewEntry();
        var frames = new EventFrame[count];
        for (var i = 0; i < count; i++)
        {
            frames[i] = ResponseEventPayloads.EncodeFrame(i, ResponseEventKind.OutputTextDelta, entry, Delta);
        }

        return frames;
    }

    // The host's meter factory is not around outside a host; this one just creates meters.
    private sealed class MeterFactory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
