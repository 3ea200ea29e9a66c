using System.Diagnostics;
using System.Globalization;

namespace Resumable.LoadTest;

/// <summary>
/// A fake OpenAI-compatible upstream in this process and the real server (durability <c>Async</c>, no keys) serving
/// model <c>fake</c> from it. The same streams are read directly from the fake and through the server (foreground, and
/// background + GET), the three paths taking turns sample by sample and round by round, so that a slow spell of the
/// shared machine falls on all of them.
/// </summary>
internal static class UpstreamScenarios
{
    // After the warm-up, as in the other runs: a fresh runtime goes on compiling hot methods to their final tier for
    // a while, and that should not fall into the first measured samples.
    private static readonly TimeSpan WarmUpPause = TimeSpan.FromSeconds(2);

    // Before and after each paced round (inside its counters): the WAL commits what the round left and the
    // connections settle, on every path alike.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    public static async Task<UpstreamResult> RunAsync(UpstreamSettings settings)
    {
        var startedUtc = DateTime.UtcNow;
        var watch = Stopwatch.StartNew();
        Console.Error.WriteLine("starting the fake upstream and the server…");
        await using var fake = await FakeChatUpstream.StartAsync();
        await using var server = await ServerUnderTest.StartAsync("Async", ServerUnderTest.FreePort(), withKeys: false,
        [
            $"--Resumable:Models:fake:BaseUrl={fake.ServerBaseUrl}",
            "--Resumable:Models:fake:MaxConcurrency=256",
        ]);
        using var fakeClient = CreateClient(fake.DirectBaseUrl);
        using var serverClient = CreateClient(server.BaseAddress);
        UpstreamPath[] paths = [UpstreamPath.Direct(fakeClient), UpstreamPath.Foreground(serverClient), UpstreamPath.Background(serverClient)];

        // The paced load also runs the synthetic model on the same server at the same pace: the pipeline's own cost
        // and latency without an upstream, against which the upstream client's share can be read.
        UpstreamPath[] pacedPaths = [.. paths, UpstreamPath.Synthetic(serverClient)];

        // A few streams at a time only, so that the paced load opens most of its connections itself and shows how
        // many it needs.
        Console.Error.WriteLine("warming up…");
        for (var i = 0; i < 10; i++)
        {
            foreach (var path in pacedPaths)
            {
                await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => path.RunAsync(new FakeStreamShape(20, i % 2 == 0 ? 0 : 200, 0))));
            }
        }

        await Task.Delay(WarmUpPause);

        var firstTokens = new List<FirstTokenResult>();
        foreach (var upstreamMs in settings.UpstreamFirstTokenMs)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time to first token, upstream {upstreamMs} ms…"));
            firstTokens.Add(await SampleFirstTokensAsync(paths, settings, upstreamMs));
        }

        Console.Error.WriteLine("paced load…");
        var paced = pacedPaths.Select(path => new UpstreamLoad(path.Name)).ToList();
        for (var round = 0; round < settings.PacedRounds; round++)
        {
            for (var j = 0; j < pacedPaths.Length; j++)
            {
                var p = (round + j) % pacedPaths.Length;
                await PacedRoundAsync(server, fake, pacedPaths[p], paced[p], settings);
            }
        }

        foreach (var load in paced)
        {
            load.Sort();
        }

        return new UpstreamResult(
            settings,
            startedUtc,
            watch.Elapsed,
            paths.Select(path => path.Name).ToList(),
            firstTokens,
            paced,
            (fake.DirectConnections.Requests, fake.DirectConnections.Accepted),
            (fake.ServerConnections.Requests, fake.ServerConnections.Accepted));
    }

    /// <summary>
    /// Short streams, the paths taking turns (the order rotated every turn). With no upstream time to first token one
    /// at a time; with one, started <see cref="UpstreamSettings.SampleSpacingMs"/> apart so that they wait together
    /// (a few at once, each on a pooled connection) and no sample's first delta falls on another's request.
    /// </summary>
    private static async Task<FirstTokenResult> SampleFirstTokensAsync(UpstreamPath[] paths, UpstreamSettings settings, int upstreamMs)
    {
        var shape = new FakeStreamShape(settings.FirstTokenTokens, 0, upstreamMs);
        var samples = paths.Select(_ => new List<double>()).ToList();
        var count = settings.FirstTokenSamples * paths.Length;
        var running = new List<(int Path, Task<DeltaTrace> Trace)>();
        var started = Stopwatch.GetTimestamp();
        for (var k = 0; k < count; k++)
        {
            var p = (k / paths.Length + k % paths.Length) % paths.Length;
            if (upstreamMs == 0)
            {
                samples[p].Add((await paths[p].RunAsync(shape)).FirstDeltaMs);
                continue;
            }

            var wait = TimeSpan.FromMilliseconds(k * settings.SampleSpacingMs) - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            running.Add((p, paths[p].RunAsync(shape)));
        }

        foreach (var (p, trace) in running)
        {
            samples[p].Add((await trace).FirstDeltaMs);
        }

        foreach (var list in samples)
        {
            list.Sort();
        }

        return new FirstTokenResult(upstreamMs, samples);
    }

    private static async Task PacedRoundAsync(ServerUnderTest server, FakeChatUpstream fake, UpstreamPath path, UpstreamLoad load, UpstreamSettings settings)
    {
        var listener = path.IsDirect ? fake.DirectConnections : fake.ServerConnections;
        await Task.Delay(Settle);
        listener.ResetPeak();
        var before = UpstreamCounters.Read(server, fake, listener);
        var shape = new FakeStreamShape(settings.PacedTokens, settings.PacedTokensPerSecond, settings.PacedFirstTokenMs);
        var traces = await Task.WhenAll(Enumerable.Range(0, settings.PacedStreams).Select(_ => path.RunAsync(shape)));
        await Task.Delay(Settle);
        load.AddRound(traces, UpstreamCounters.Read(server, fake, listener).Since(before));
    }

    // No key: the server runs open. A pool that grows with the streams and keeps its connections for the whole run.
    private static HttpClient CreateClient(Uri baseAddress) => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };
}
