using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Responses;
using Resumable.Storage.Faster;

namespace Resumable.Benchmarks;

/// <summary>
/// The write-ahead log path of one event, on a real FasterLog in a temporary directory: the producer's
/// enqueue, the hop to the writer, the copy into the log's memory, and the group commit that makes it
/// durable. Each invocation enqueues 1,000 events of one response and waits until the last is durable;
/// allocations count every thread (writer and committer included).
/// </summary>
[MemoryDiagnoser]
public class WalBenchmarks
{
    private const int Events = 1_000;
    private readonly EventFrame[] _frames = BenchResponses.DeltaFrames(Events);
    private readonly InMemoryCursorStore _cursors = new();
    private string _directory = "";
    private FasterEventLog? _log;
    private string _responseId = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "resumable-bench-" + Guid.NewGuid().ToString("N"));
        _log = new FasterEventLog(
            Options.Create(new WalOptions { Directory = _directory, CommitInterval = TimeSpan.FromMilliseconds(1) }),
            _cursors,
            TimeProvider.System,
            NullLogger<FasterEventLog>.Instance);
        await _log.StartAsync(CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _log!.StopAsync(CancellationToken.None);
        await _log.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task EnqueueUntilDurable()
    {
        // A new response each time, released at once: the log truncates behind it, so the directory stays small.
        var previous = _responseId;
        _responseId = ResponseId.New();
        if (previous.Length > 0)
        {
            _log!.Release(previous);
            _cursors.Remove(previous);
        }

        foreach (var frame in _frames)
        {
            _log!.Enqueue(_responseId, frame);
        }

        while (_cursors.GetDurable(_responseId) != Events - 1)
        {
            await Task.Yield();
        }
    }
}
