using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Resumable.Core.Cursors;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Storage.Faster;

namespace Resumable.Benchmarks;

/// <summary>
/// What one group commit costs in CPU, measured without a server around it: one event per tick of the default commit
/// interval (5 ms), so that every event is a commit of its own, for a fixed number of ticks, on a real FasterLog in a
/// temporary directory; the same loop with durability <c>None</c> (no log) is the baseline. Prints the process's CPU
/// time and context switches (from <c>/proc</c>) per commit over the difference. BenchmarkDotNet measures elapsed
/// time, which is not the question here: a commit mostly waits for the disk, and what it costs the machine is the CPU
/// it burns meanwhile and the threads it wakes.
/// </summary>
internal static class CommitCostProbe
{
    private const int WarmUpEvents = 100;

    public static async Task<int> RunAsync(int ticks, int rounds)
    {
        Console.WriteLine($"commit cost: {rounds} rounds of {ticks} events, one per 5 ms tick; CPU and context switches of this process");
        for (var round = 1; round <= rounds; round++)
        {
            var none = await MeasureAsync(DurabilityMode.None, ticks);
            var async = await MeasureAsync(DurabilityMode.Async, ticks);
            var commits = async.Commits - none.Commits;
            Console.WriteLine(
                $"round {round}: None {none.CpuMicroseconds / ticks:0.0} µs CPU and {(double)none.Switches / ticks:0.0} switches per tick; " +
                $"Async {async.CpuMicroseconds / ticks:0.0} µs and {(double)async.Switches / ticks:0.0} per tick, {commits} commits; " +
                $"per commit: {(async.CpuMicroseconds - none.CpuMicroseconds) / commits:0.0} µs CPU, {(double)(async.Switches - none.Switches) / commits:0.0} context switches");
        }

        return 0;
    }

    private static async Task<(double CpuMicroseconds, long Switches, long Commits)> MeasureAsync(DurabilityMode durability, int ticks)
    {
        var directory = Path.Combine(Path.GetTempPath(), "resumable-commit-cost-" + Guid.NewGuid().ToString("N"));
        var cursors = new InMemoryCursorStore();
        var frames = BenchResponses.DeltaFrames(WarmUpEvents + ticks);
        var log = new FasterEventLog(Options.Create(new WalOptions { Directory = directory, Durability = durability }), cursors, TimeProvider.System, NullLogger<FasterEventLog>.Instance);
        try
        {
            await log.StartAsync(CancellationToken.None);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
            var responseId = ResponseId.New();

            // The first events are a warm-up, past the JIT's tiers for the log's path; the measurement starts after them.
            long commitsBefore = 0, switchesBefore = 0;
            var cpuBefore = TimeSpan.Zero;
            for (var i = 0; i < frames.Length; i++)
            {
                if (i == WarmUpEvents)
                {
                    commitsBefore = log.GetStatistics()?.Commits ?? 0;
                    cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    switchesBefore = ContextSwitches();
                }

                await timer.WaitForNextTickAsync();
                log.Enqueue(responseId, frames[i]);
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            var switches = ContextSwitches() - switchesBefore;
            return (cpu.TotalMicroseconds, switches, (log.GetStatistics()?.Commits ?? 0) - commitsBefore);
        }
        finally
        {
            await log.StopAsync(CancellationToken.None);
            await log.DisposeAsync();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    // Voluntary and involuntary switches of every thread of this process.
    private static long ContextSwitches()
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            foreach (var line in File.ReadLines(Path.Combine(task, "status")))
            {
                if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                {
                    total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return total;
    }
}
