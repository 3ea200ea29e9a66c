using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>The load shape: the full run's, or with <c>--quick</c> a smaller one.</summary>
internal sealed record Settings(int Streams, int Tokens, double TokensPerSecond, int PacedRounds, int SaturationEvents, int[] StreamCounts, int SaturationRounds, int FirstEventSamples, int Resumes, int IdleReaders);

/// <summary>The server's resident memory before and after <paramref name="Count"/> idle streams or connections were opened.</summary>
internal sealed record RssSample(int Count, long Before, long After)
{
    public double BytesEach => (After - Before) / (double)Math.Max(1, Count);
}

/// <summary>Idle SSE readers over HTTP/1.1 and over HTTP/2, and plain idle keep-alive connections, each on a fresh server.</summary>
internal sealed record IdleResult(RssSample Http1Readers, RssSample Http2Readers, RssSample KeepAliveConnections);

/// <summary>Throughput with a given number of concurrent unpaced streams.</summary>
internal sealed record Throughput(int Streams, double EventsPerSecond, double MegabytesPerSecond);

/// <summary>One saturation sweep of one mode on a fresh server: throughput per stream count, server CPU and WAL figures.</summary>
internal sealed record Saturation(
    List<Throughput> Throughputs,
    double CpuSecondsPerMillionEvents,
    double RecordsPerCommit,
    double CommitsPerSecond,
    double MaxCommitMs,
    double BytesPerEvent)
{
    /// <summary>The rounds this figure was chosen from (empty for a single round's own figures).</summary>
    public IReadOnlyList<Saturation> Rounds { get; init; } = [];

    /// <summary>
    /// The best of several rounds: per stream count the highest throughput, and the lowest CPU per event (what the
    /// mode costs when the shared machine disturbs it least); the WAL figures of the round with the lowest CPU.
    /// </summary>
    public static Saturation Best(IReadOnlyList<Saturation> rounds)
    {
        var leanest = rounds.MinBy(r => r.CpuSecondsPerMillionEvents)!;
        var throughputs = rounds[0].Throughputs.Select((t, i) => rounds.Select(r => r.Throughputs[i]).MaxBy(x => x.EventsPerSecond)!).ToList();
        return leanest with { Throughputs = throughputs, Rounds = rounds };
    }
}

/// <summary>
/// A mode's server CPU under the paced load (over its rounds, in µs per event delivered, the generator included)
/// and with nothing to do (ms per second, over the same idle window for every mode).
/// </summary>
internal sealed record PacedCpu(double MicrosPerEvent, long Events, double IdleMsPerSecond);

/// <summary>One durability mode's figures.</summary>
internal sealed record ModeResult(
    string Mode,
    List<double> Latencies,
    List<double> Gaps,
    List<double> FirstEventBackground,
    List<double> FirstEventForeground,
    Saturation Saturation,
    List<double> DurableLags,
    List<double> HotResumes,
    PacedCpu PacedCpu)
{
    public List<Throughput> Throughputs => Saturation.Throughputs;
}

internal static class Scenarios
{
    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(5);

    // A server is quiet once it spends less than this share of a core over one look: the background compilation after a
    // warm-up costs far more, an idle node (docs/benchmarks.md) a few thousandths.
    private const double QuietShareOfACore = 0.02;
    private static readonly TimeSpan QuietLook = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan QuietBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Latency, time before the first event and hot resumes, with a server per mode up at once and the modes taking
    /// turns (paced round by paced round, sample by sample), so that a slow spell of the shared machine falls on all
    /// of them alike; the figures of each mode are pooled over its turns.
    /// </summary>
    public static async Task<List<ModeResult>> RunModesAsync(IReadOnlyList<string> modes, IReadOnlyDictionary<string, Saturation> saturations, Settings settings)
    {
        var servers = new List<ServerUnderTest>();
        var clients = new List<(HttpClient Client, HttpClient Admin)>();
        try
        {
            foreach (var mode in modes)
            {
                var server = await ServerUnderTest.StartAsync(mode);
                servers.Add(server);
                clients.Add((server.CreateClient(ServerUnderTest.TenantKey), server.CreateClient(ServerUnderTest.AdminKey)));
            }

            foreach (var (client, _) in clients)
            {
                await Task.WhenAll(Enumerable.Range(0, 8).Select(i => StreamProbe.RunAsync(client, 200, 0, $"warm up {i}")));
            }

            // Idle: every server up with nothing to do, over one window (what a node costs between bursts), once the
            // runtime has finished compiling what the warm-up ran.
            await WaitUntilQuietAsync(servers);
            var idleBefore = servers.Select(server => server.CpuSeconds).ToList();
            await Task.Delay(IdleWindow);
            var idleMsPerSecond = servers.Select((server, m) => (server.CpuSeconds - idleBefore[m]) * 1_000 / IdleWindow.TotalSeconds).ToList();

            // Paced: many concurrent streams at a steady token rate, the model stamping each token as it emits it.
            var paced = modes.Select(_ => new List<StreamTrace>()).ToList();
            var lags = modes.Select(_ => new List<double>()).ToList();
            var pacedCpuSeconds = new double[modes.Count];
            for (var round = 0; round < settings.PacedRounds; round++)
            {
                for (var m = 0; m < modes.Count; m++)
                {
                    var (client, admin) = clients[m];
                    using var sampling = new CancellationTokenSource();
                    var lagSampler = SampleDurableLagAsync(admin, sampling.Token);
                    var cpuBefore = servers[m].CpuSeconds;
                    paced[m].AddRange(await Task.WhenAll(Enumerable.Range(0, settings.Streams).Select(i => StreamProbe.RunAsync(client, settings.Tokens, settings.TokensPerSecond, $"paced stream {round}.{i}"))));
                    pacedCpuSeconds[m] += servers[m].CpuSeconds - cpuBefore;
                    await sampling.CancelAsync();
                    lags[m].AddRange(await lagSampler);
                }
            }

            // The server's own time before the first event: one response at a time, time to first token 0.
            var background = modes.Select(_ => new List<double>()).ToList();
            var foreground = modes.Select(_ => new List<double>()).ToList();
            for (var i = 0; i < settings.FirstEventSamples; i++)
            {
                for (var m = 0; m < modes.Count; m++)
                {
                    var client = clients[m].Client;
                    background[m].Add((await StreamProbe.RunAsync(client, 3, 0, $"first event {i}", background: true, detailed: false)).FirstEventMs);
                    foreground[m].Add((await StreamProbe.RunAsync(client, 3, 0, $"first event {i}", background: false, detailed: false)).FirstEventMs);
                }
            }

            // Hot resume: finished responses still in memory, the modes taking turns sample by sample (meanwhile the
            // servers with a WAL move the paced load's responses out of memory once their hot period ends).
            var probes = new List<ResumeProbe>();
            for (var m = 0; m < modes.Count; m++)
            {
                var (client, admin) = clients[m];
                var finished = new List<string>();
                for (var i = 0; i < 10; i++)
                {
                    finished.Add(await CreateFinishedAsync(client, admin, $"resume {i}", 2_000));
                }

                probes.Add(new ResumeProbe(client, finished, 2_000, seed: 7));
            }

            var hotResumes = modes.Select(_ => new List<double>()).ToList();
            for (var i = 0; i < settings.Resumes; i++)
            {
                for (var m = 0; m < modes.Count; m++)
                {
                    hotResumes[m].Add(await probes[m].MeasureOneAsync());
                }
            }

            var results = new List<ModeResult>();
            for (var m = 0; m < modes.Count; m++)
            {
                results.Add(new ModeResult(
                    modes[m],
                    Sorted(paced[m].SelectMany(t => t.Latencies)),
                    Sorted(paced[m].SelectMany(t => t.Gaps)),
                    Sorted(background[m]),
                    Sorted(foreground[m]),
                    saturations[modes[m]],
                    Sorted(lags[m]),
                    Sorted(hotResumes[m]),
                    new PacedCpu(pacedCpuSeconds[m] * 1e6 / paced[m].Sum(t => t.Events), paced[m].Sum(t => (long)t.Events), idleMsPerSecond[m])));
            }

            return results;
        }
        finally
        {
            foreach (var (client, admin) in clients)
            {
                client.Dispose();
                admin.Dispose();
            }

            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Saturation: unpaced streams, the same number of events in all, spread over more and more streams, on a fresh
    /// server warmed up first (a fresh runtime spends seconds compiling the hot paths to their final tier, and the
    /// WAL's paths are more code than memory-only streaming: measured cold, that would count as the WAL's cost).
    /// </summary>
    public static async Task<Saturation> RunSaturationAsync(string mode, Settings settings)
    {
        await using var server = await ServerUnderTest.StartAsync(mode);
        using var client = server.CreateClient(ServerUnderTest.TenantKey);
        using var admin = server.CreateClient(ServerUnderTest.AdminKey);
        foreach (var count in settings.StreamCounts)
        {
            await Task.WhenAll(Enumerable.Range(0, count).Select(i => StreamProbe.RunAsync(client, settings.SaturationEvents / 5 / count, 0, $"warm up {count}.{i}", detailed: false)));
        }

        await Task.Delay(2_000);

        var walBefore = await WalAsync(admin);
        var cpuBefore = server.CpuSeconds;
        var sweepWatch = Stopwatch.StartNew();
        var throughputs = new List<Throughput>();
        long sweepEvents = 0;
        foreach (var count in settings.StreamCounts)
        {
            var watch = Stopwatch.StartNew();
            var traces = await Task.WhenAll(Enumerable.Range(0, count).Select(i => StreamProbe.RunAsync(client, settings.SaturationEvents / count, 0, $"saturation {count}.{i}", detailed: false)));
            var seconds = watch.Elapsed.TotalSeconds;
            var events = traces.Sum(t => (long)t.Events);
            sweepEvents += events;
            throughputs.Add(new Throughput(count, events / seconds, traces.Sum(t => t.Bytes) / seconds / 1e6));
        }

        var sweepSeconds = sweepWatch.Elapsed.TotalSeconds;
        var cpu = server.CpuSeconds - cpuBefore;
        var walAfter = await WalAsync(admin);
        var (commits, records, bytes) = walAfter is { } a && walBefore is { } b ? (a.Commits - b.Commits, a.Records - b.Records, a.Tail - b.Tail) : (0L, 0L, 0L);
        return new Saturation(
            throughputs,
            cpu / sweepEvents * 1_000_000,
            commits == 0 ? 0 : (double)records / commits,
            commits / sweepSeconds,
            walAfter?.MaxCommitMs ?? 0,
            records == 0 ? 0 : (double)bytes / records);
    }

    /// <summary>Resume latency of cold responses: their memory copy released at once, replays read the WAL.</summary>
    public static async Task<List<double>> RunColdResumeAsync(Settings settings)
    {
        await using var server = await ServerUnderTest.StartAsync("Async", "--Resumable:Retention:HotBytesLimit=0", "--Resumable:Retention:SweepInterval=00:00:00.050");
        using var client = server.CreateClient(ServerUnderTest.TenantKey);
        using var admin = server.CreateClient(ServerUnderTest.AdminKey);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await CreateFinishedAsync(client, admin, $"cold {i}", 2_000));
        }

        foreach (var id in ids)
        {
            await WaitForSummaryAsync(admin, id, "storage", "wal", attempts: 200, TimeSpan.FromMilliseconds(25));
        }

        return await new ResumeProbe(client, ids, 2_000, seed: 11).MeasureAsync(settings.Resumes);
    }

    /// <summary>
    /// Server memory per idle reader over HTTP/1.1 and over HTTP/2, and per plain idle keep-alive connection (each on
    /// a fresh server).
    /// </summary>
    public static async Task<IdleResult> RunIdleReadersAsync(Settings settings)
    {
        async Task<RssSample> MeasureOnFreshServerAsync(Func<ServerUnderTest, HttpClient> createClient)
        {
            await using var server = await ServerUnderTest.StartAsync("Async");
            using var client = createClient(server);
            return await IdleReaders.MeasureAsync(server, client, settings.IdleReaders);
        }

        var readers = await MeasureOnFreshServerAsync(server => server.CreateClient(ServerUnderTest.TenantKey));
        var http2Readers = await MeasureOnFreshServerAsync(server => server.CreateHttp2Client(ServerUnderTest.TenantKey));

        await using var plain = await ServerUnderTest.StartAsync("Async");
        return new IdleResult(readers, http2Readers, await IdleReaders.MeasureKeepAliveAsync(plain, settings.IdleReaders));
    }

    private static async Task<string> CreateFinishedAsync(HttpClient client, HttpClient admin, string input, int events)
    {
        // A response of exactly `events` events: created, in_progress, item/part added, deltas, and four closing events.
        var id = await BackgroundResponses.CreateAsync(client, input, new()
        {
            ["synthetic_output_tokens"] = (events - 8).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["synthetic_emit_timestamps"] = "true",
            ["synthetic_tokens_per_second"] = "0",
            ["synthetic_ttft_ms"] = "0",
        });
        await WaitForSummaryAsync(admin, id, "status", "completed", attempts: 600, TimeSpan.FromMilliseconds(10));
        return id;
    }

    // Polls a response's summary in the operator view until one of its fields shows the value awaited (bounded).
    private static async Task WaitForSummaryAsync(HttpClient admin, string id, string field, string value, int attempts, TimeSpan interval)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            var summary = (await admin.GetFromJsonAsync<JsonElement>($"admin/responses/{id}?limit=1")).GetProperty("response");
            if (summary.GetProperty(field).GetString() == value)
            {
                return;
            }

            await Task.Delay(interval);
        }

        throw new TimeoutException($"The {field} of {id} never became {value}.");
    }

    private static async Task<(long Commits, long Records, long Tail, double MaxCommitMs)?> WalAsync(HttpClient admin)
    {
        var wal = (await admin.GetFromJsonAsync<JsonElement>("admin/stats")).GetProperty("wal");
        return wal.ValueKind == JsonValueKind.Null
            ? null
            : (wal.GetProperty("commits").GetInt64(), wal.GetProperty("records_committed").GetInt64(), wal.GetProperty("tail_address").GetInt64(), wal.GetProperty("max_commit_milliseconds").GetDouble());
    }

    // Samples the durable lag (sequence numbers between a running response's last event and its last durable one).
    private static async Task<List<double>> SampleDurableLagAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        var lags = new List<double>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var list = await admin.GetFromJsonAsync<JsonElement>("admin/responses?status=in_progress&limit=100", cancellationToken);
                foreach (var response in list.GetProperty("data").EnumerateArray())
                {
                    lags.Add(response.GetProperty("durable_lag").GetInt64());
                }

                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }

        return lags;
    }

    private static List<double> Sorted(IEnumerable<double> values)
    {
        var list = values.ToList();
        list.Sort();
        return list;
    }

    // Waits, bounded, until every server has been quiet over one look: CPU time read from /proc, not a fixed pause.
    private static async Task WaitUntilQuietAsync(List<ServerUnderTest> servers)
    {
        var deadline = DateTime.UtcNow + QuietBound;
        var before = servers.Select(server => server.CpuSeconds).ToList();
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(QuietLook);
            var now = servers.Select(server => server.CpuSeconds).ToList();
            if (now.Zip(before).All(pair => pair.First - pair.Second < QuietShareOfACore * QuietLook.TotalSeconds))
            {
                return;
            }

            before = now;
        }

        Console.Error.WriteLine($"the servers were not quiet within {QuietBound.TotalSeconds:0} s; the idle figures include their last work");
    }
}
