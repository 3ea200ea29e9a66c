using BenchmarkDotNet.Attributes;
using Resumable.Core.Entries;
using Resumable.Core.Events;

namespace Resumable.Benchmarks;

/// <summary>Encoding one output_text.delta event as a complete SSE frame (done once per event, shared by every reader and the WAL).</summary>
[MemoryDiagnoser]
public class FrameEncodingBenchmarks
{
    private readonly ResponseEntry _entry = BenchResponses.NewEntry();
    private long _sequence;

    [Benchmark]
    public EventFrame EncodeDeltaFrame() => ResponseEventPayloads.EncodeFrame(_sequence++, ResponseEventKind.OutputTextDelta, _entry, BenchResponses.Delta);
}
