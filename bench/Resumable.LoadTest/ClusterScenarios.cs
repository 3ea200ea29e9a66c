using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>
/// Two nodes and one Redis: every response is created on node A and read either from A (direct) or through B
/// (relayed). The two paths take turns, sample by sample or round by round, so a slow spell of the shared machine
/// falls on both.
/// </summary>
internal static class ClusterScenarios
{
    // Each finished response of the resume measurement has exactly this many events (2,000, as the hot resumes of
    // the main run); a running one is resumed within its first RunningCursors events, which it has already emitted.
    private const int FinishedEvents = 2_000;
    private const int RunningCursors = 200;

    // Long enough that every reader, direct or through B, attaches before a paced response's first token and sees
    // every token live (A announces a response to Redis in the request that creates it, so B finds it at once).
    private const int PacedTimeToFirstTokenMs = 1_000;

    // After each warm-up, as in the main run: a fresh runtime goes on compiling hot methods to their final tier for a
    // while after they became hot, and that should not fall into the first measured round.
    private static readonly TimeSpan WarmUpPause = TimeSpan.FromSeconds(2);

    public static async Task<ClusterResult> RunAsync(ClusterSettings settings)
    {
        var startedUtc = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        Console.Error.WriteLine("starting Redis and two nodes…");
        await using var cluster = await ClusterUnderTest.StartAsync();
        var direct = new NodePath("direct", cluster.OwnerClient, Relayed: false);
        var relayed = new NodePath("relayed", cluster.RelayClient, Relayed: true);

        Console.Error.WriteLine("resumes, same node and cross-node…");
        var (finishedDirect, finishedRelayed, runningDirect, runningRelayed) = await RunResumesAsync(cluster, direct, relayed, settings);

        Console.Error.WriteLine("unpaced streams, direct and relayed…");
        var (unpacedDirect, unpacedRelayed) = await RunUnpacedAsync(cluster, direct, relayed, settings);

        Console.Error.WriteLine("paced streams, direct and relayed…");
        var (pacedDirect, pacedRelayed) = await RunPacedAsync(cluster, direct, relayed, settings);

        // The floor under every CPU figure: what the nodes and Redis use with nothing to do (timers, heartbeats), all
        // node B does on the direct path. Read last, after a pause: right after a workload the JIT is still compiling
        // what it made hot.
        Console.Error.WriteLine("idle floor…");
        await Task.Delay(WarmUpPause);
        var idleBefore = cluster.Cpu();
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds));
        var idle = cluster.Cpu().Since(idleBefore);

        return new ClusterResult(settings, startedUtc, watch.Elapsed, idle, finishedDirect, finishedRelayed, runningDirect, runningRelayed, unpacedDirect, unpacedRelayed, pacedDirect, pacedRelayed);
    }

    /// <summary>
    /// Resumes of finished and of running responses of A from a random cursor, each (response, cursor) drawn once and
    /// sent to A and to B in turn, the order swapped every sample.
    /// </summary>
    private static async Task<(List<double>, List<double>, List<double>, List<double>)> RunResumesAsync(
        ClusterUnderTest cluster, NodePath direct, NodePath relayed, ClusterSettings settings)
    {
        var owner = cluster.OwnerClient;
        var finished = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var id = await BackgroundResponses.CreateAsync(owner, $"resume {i}", Metadata(FinishedEvents - 8, tokensPerSecond: 0, timestamps: true));
            await WaitUntilSettledAsync(owner, id);
            finished.Add(id);
        }

        // Running for the whole measurement (200 tokens/s for up to 500 s), cancelled after it.
        var running = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            running.Add(await BackgroundResponses.CreateAsync(owner, $"running {i}", Metadata(100_000, tokensPerSecond: 200, timestamps: true)));
        }

        foreach (var id in running)
        {
            await WaitForSummaryAsync(owner, id, summary => summary.GetProperty("events").GetInt32() > RunningCursors + 10, "to emit its first events");
        }

        var random = new Random(7);
        (string Id, long Cursor) Draw(List<string> ids, int cursors) => (ids[random.Next(ids.Count)], random.Next(0, cursors - 2));

        // Warm-up: both paths compiled to their final tier, B's connections to A open.
        for (var i = 0; i < 40; i++)
        {
            foreach (var path in new[] { direct, relayed })
            {
                var (id, cursor) = Draw(finished, FinishedEvents);
                await path.ResumeAsync(id, cursor, finished: true);
                (id, cursor) = Draw(running, RunningCursors);
                await path.ResumeAsync(id, cursor, finished: false);
            }
        }

        await Task.Delay(WarmUpPause);

        var results = (FinishedDirect: new List<double>(), FinishedRelayed: new List<double>(), RunningDirect: new List<double>(), RunningRelayed: new List<double>());
        for (var i = 0; i < settings.Resumes; i++)
        {
            var paths = i % 2 == 0 ? new[] { direct, relayed } : [relayed, direct];
            var (finishedId, finishedCursor) = Draw(finished, FinishedEvents);
            var (runningId, runningCursor) = Draw(running, RunningCursors);
            foreach (var path in paths)
            {
                (path.Relayed ? results.FinishedRelayed : results.FinishedDirect).Add(await path.ResumeAsync(finishedId, finishedCursor, finished: true));
            }

            foreach (var path in paths)
            {
                (path.Relayed ? results.RunningRelayed : results.RunningDirect).Add(await path.ResumeAsync(runningId, runningCursor, finished: false));
            }
        }

        foreach (var id in running)
        {
            (await owner.PostAsync($"v1/responses/{id}/cancel", content: null)).EnsureSuccessStatusCode();
        }

        foreach (var id in running)
        {
            await WaitUntilSettledAsync(owner, id);
        }

        return (Sorted(results.FinishedDirect), Sorted(results.FinishedRelayed), Sorted(results.RunningDirect), Sorted(results.RunningRelayed));
    }

    /// <summary>
    /// Large unpaced responses, a new set per path and round: created on A and generated to the end, then read in full
    /// at once from A or through B. The CPU is counted over the reads alone (generation is the same for both paths);
    /// Redis calls and WAL commits over the whole round. Each round's responses are deleted after it, outside every
    /// reading, so that memory stays bounded.
    /// </summary>
    private static async Task<(PathLoad, PathLoad)> RunUnpacedAsync(ClusterUnderTest cluster, NodePath direct, NodePath relayed, ClusterSettings settings)
    {
        var owner = cluster.OwnerClient;
        foreach (var path in new[] { direct, relayed })
        {
            var ids = await CreateUnpacedAsync(owner, settings.UnpacedStreams, settings.UnpacedTokens / 5, "unpaced warm-up");
            await Task.WhenAll(ids.Select(id => ReadAllAsync(path, id, new PathLoad("warm-up"))));
            await DeleteAsync(owner, ids);
        }

        await Task.Delay(WarmUpPause);
        var loads = (Direct: new PathLoad(direct.Name), Relayed: new PathLoad(relayed.Name));
        for (var round = 0; round < settings.UnpacedRounds; round++)
        {
            foreach (var path in round % 2 == 0 ? new[] { direct, relayed } : [relayed, direct])
            {
                var load = path.Relayed ? loads.Relayed : loads.Direct;
                await SettleAsync();
                var before = await cluster.CountersAsync();
                var ids = await CreateUnpacedAsync(owner, settings.UnpacedStreams, settings.UnpacedTokens, $"unpaced {round}");
                await SettleAsync();

                var readsBefore = cluster.Cpu();
                var started = Stopwatch.GetTimestamp();
                var traces = await Task.WhenAll(ids.Select(id => ReadAllAsync(path, id, load)));
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                var reads = cluster.Cpu().Since(readsBefore);

                await SettleAsync();
                load.AddRound(traces.Sum(t => (long)t.Events), traces.Sum(t => t.Bytes), seconds, (await cluster.CountersAsync()).Since(before), reads);
                await DeleteAsync(owner, ids);
            }
        }

        return loads;
    }

    private static async Task<string[]> CreateUnpacedAsync(HttpClient owner, int count, int tokens, string input)
    {
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(i => BackgroundResponses.CreateAsync(owner, $"{input}.{i}", Metadata(tokens, tokensPerSecond: 0, timestamps: false))));
        foreach (var id in ids)
        {
            await WaitUntilSettledAsync(owner, id);
        }

        return ids;
    }

    private static async Task<StreamTrace> ReadAllAsync(NodePath path, string id, PathLoad load)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await path.OpenStreamAsync(id, lastEventId: null, load.Retried);
        return await StreamProbe.CountFramesAsync(await response.Content.ReadAsStreamAsync(), started);
    }

    private static async Task DeleteAsync(HttpClient owner, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            (await owner.DeleteAsync($"v1/responses/{id}")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>
    /// Many paced responses at once in benchmark mode, a new set per path and round: created on A, each read from its
    /// first event from A or through B while it is generated; emit → receive latency per token (as the main run's
    /// paced load measures it), and every counter over the whole round.
    /// </summary>
    private static async Task<(PathLoad, PathLoad)> RunPacedAsync(ClusterUnderTest cluster, NodePath direct, NodePath relayed, ClusterSettings settings)
    {
        foreach (var path in new[] { direct, relayed })
        {
            await PacedRoundAsync(cluster, path, new PathLoad("warm-up"), streams: 10, tokens: 50, tokensPerSecond: 100, "paced warm-up");
        }

        await Task.Delay(WarmUpPause);

        var loads = (Direct: new PathLoad(direct.Name), Relayed: new PathLoad(relayed.Name));
        for (var round = 0; round < settings.PacedRounds; round++)
        {
            foreach (var path in round % 2 == 0 ? new[] { direct, relayed } : [relayed, direct])
            {
                await PacedRoundAsync(cluster, path, path.Relayed ? loads.Relayed : loads.Direct, settings.PacedStreams, settings.PacedTokens, settings.PacedTokensPerSecond, $"paced {round}");
            }
        }

        loads.Direct.Sort();
        loads.Relayed.Sort();
        return loads;
    }

    private static async Task PacedRoundAsync(ClusterUnderTest cluster, NodePath path, PathLoad load, int streams, int tokens, double tokensPerSecond, string input)
    {
        await SettleAsync();
        var before = await cluster.CountersAsync();
        var metadata = Metadata(tokens, tokensPerSecond, timestamps: true);
        metadata["synthetic_ttft_ms"] = PacedTimeToFirstTokenMs.ToString(CultureInfo.InvariantCulture);
        var ids = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => BackgroundResponses.CreateAsync(cluster.OwnerClient, $"{input}.{i}", metadata)));

        var started = Stopwatch.GetTimestamp();
        var traces = await Task.WhenAll(ids.Select(async id =>
        {
            var opened = Stopwatch.GetTimestamp();
            using var response = await path.OpenStreamAsync(id, lastEventId: null, load.Retried);
            return await StreamProbe.ReadDetailedAsync(await response.Content.ReadAsStreamAsync(), opened, tokens);
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var id in ids)
        {
            await WaitUntilSettledAsync(cluster.OwnerClient, id);
        }

        await SettleAsync();
        var round = (await cluster.CountersAsync()).Since(before);
        load.AddRound(traces.Sum(t => (long)t.Events), traces.Sum(t => t.Bytes), seconds, round, round);
        load.Latencies.AddRange(traces.SelectMany(t => t.Latencies));
    }

    private static Dictionary<string, string> Metadata(int tokens, double tokensPerSecond, bool timestamps) => new()
    {
        ["synthetic_output_tokens"] = tokens.ToString(CultureInfo.InvariantCulture),
        ["synthetic_tokens_per_second"] = tokensPerSecond.ToString(CultureInfo.InvariantCulture),
        ["synthetic_ttft_ms"] = "0",
        ["synthetic_emit_timestamps"] = timestamps ? "true" : "false",
    };

    // Longer than two publish intervals (50 ms each): what A committed last is in Redis, and no earlier round's
    // publication falls into the next reading.
    private static Task SettleAsync() => Task.Delay(150);

    // Polls A's operator view until the response is finished and all of it durable (so published once more after).
    private static Task WaitUntilSettledAsync(HttpClient owner, string id) =>
        WaitForSummaryAsync(owner, id, summary => summary.GetProperty("status").GetString() is "completed" or "cancelled" or "failed" or "incomplete" && summary.GetProperty("durable_lag").GetInt64() <= 0, "to finish and be durable");

    private static async Task WaitForSummaryAsync(HttpClient owner, string id, Func<JsonElement, bool> done, string what)
    {
        for (var attempt = 0; attempt < 3_000; attempt++)
        {
            var summary = (await owner.GetFromJsonAsync<JsonElement>($"admin/responses/{id}?limit=1")).GetProperty("response");
            if (done(summary))
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"{id} failed {what} within 30 seconds.");
    }

    private static List<double> Sorted(List<double> values)
    {
        values.Sort();
        return values;
    }
}
