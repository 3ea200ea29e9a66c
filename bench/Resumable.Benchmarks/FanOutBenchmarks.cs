using BenchmarkDotNet.Attributes;
using Resumable.Core.Events;
using Resumable.Core.Streaming;

namespace Resumable.Benchmarks;

/// <summary>
/// Appending to a response log while N caught-up readers each take every new frame (lock-free reads) and
/// copy its bytes out, as a reader's output would. Per event, for all readers together.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private const int Events = 1_000;
    private readonly EventFrame[] _frames = BenchResponses.DeltaFrames(Events);
    private readonly byte[] _output = new byte[64 * 1024];
    private int[] _positions = [];

    [Params(1, 10, 100)]
    public int Readers { get; set; }

    [GlobalSetup]
    public void Setup() => _positions = new int[Readers];

    [Benchmark(OperationsPerInvoke = Events)]
    public int AppendAndFanOut()
    {
        var log = new ResponseLog();
        Array.Clear(_positions);
        var copied = 0;
        foreach (var frame in _frames)
        {
            log.Append(frame);
            for (var reader = 0; reader < _positions.Length; reader++)
            {
                foreach (var next in log.ReadFrom(_positions[reader]).Span)
                {
                    next.Bytes.Span.CopyTo(_output);
                    copied += next.Bytes.Length;
                    _positions[reader]++;
                }
            }
        }

        return copied;
    }
}
