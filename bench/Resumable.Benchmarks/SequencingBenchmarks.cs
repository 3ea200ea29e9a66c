using BenchmarkDotNet.Attributes;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Sequencing;

namespace Resumable.Benchmarks;

/// <summary>
/// The sequencer's whole per-event work with durability None: number, encode, append to the response log.
/// Each invocation sequences 1,000 deltas into a fresh response, so the figures are per event.
/// </summary>
[MemoryDiagnoser]
public class SequencingBenchmarks
{
    private const int EventsPerResponse = 1_000;
    private readonly ResponseSequencer _sequencer = new(new MemoryOnlyEventLog(), BenchResponses.Metrics());

    [Benchmark(OperationsPerInvoke = EventsPerResponse)]
    public long SequenceDelta()
    {
        var entry = BenchResponses.NewEntry();
        lock (entry.Gate)
        {
            for (var i = 0; i < EventsPerResponse; i++)
            {
                _sequencer.Append(entry, ResponseEventKind.OutputTextDelta, BenchResponses.Delta);
            }
        }

        return entry.NextSequenceNumber;
    }
}
