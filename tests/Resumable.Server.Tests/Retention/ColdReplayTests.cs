using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Resumable.Storage.Faster;
using Resumable.Testing;
using Resumable.Core.Retention;

namespace Resumable.Server.Tests.Retention;

public class ColdReplayTests
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(50);

    private static ResumableAppFactory Server(FakeTimeProvider clock, string durability = "Async", string? directory = null, long? hotBytesLimit = null)
    {
        var settings = new Dictionary<string, string?> { ["Resumable:Wal:Durability"] = durability };
        if (directory is not null)
        {
            settings["Resumable:Wal:Directory"] = directory;
        }

        if (hotBytesLimit is { } limit)
        {
            settings["Resumable:Retention:HotBytesLimit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return ResumableAppFactory.Create(settings, services => services.AddSingleton<TimeProvider>(clock));
    }

    private static async Task<string> StorageOfAsync(HttpClient admin, string id) =>
        (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response").GetProperty("storage").GetString()!;

    // The operator list shows summaries only (no events are read), so it can tell when a response went cold
    // even where reading its events would fail.
    private static async Task<string?> ListedStorageOfAsync(HttpClient admin, string id) =>
        (await admin.GetJsonAsync("admin/responses")).GetProperty("data").EnumerateArray()
            .Where(response => response.GetProperty("id").GetString() == id)
            .Select(response => response.GetProperty("storage").GetString())
            .FirstOrDefault();

    private static async Task<int> RetainedResponsesAsync(HttpClient admin) =>
        (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32();

    // The cooler runs with every sweep, and the sweep (every 50 ms of the server's clock in tests) only when the
    // test moves that clock. Between looks, a test waiting for a sweep's effect moves it a sweep interval at a time,
    // by no more than 10 s in all, so that the wait never carries it past a moment the test depends on.
    private static Action Sweeps(FakeTimeProvider clock)
    {
        var left = TimeSpan.FromSeconds(10);
        return () =>
        {
            if (left >= SweepInterval)
            {
                clock.Advance(SweepInterval);
                left -= SweepInterval;
            }
        };
    }

    private static Task AdvanceUntilStorageAsync(FakeTimeProvider clock, HttpClient admin, string id, string storage) =>
        Eventually.UntilAsync(async () => await StorageOfAsync(admin, id) == storage, $"{id} to be stored in {storage}", Sweeps(clock));

    [Theory]
    [InlineData("Async")]
    [InlineData("Sync")]
    public async Task FinishedResponse_AfterItsHotPeriod_ReplaysFromTheWalByteForByteAtEveryCut(string durability)
    {
        var clock = new FakeTimeProvider();
        await using var factory = Server(clock, durability);
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);

        // A response that finished 30 s earlier goes cold first: once it has, a cooling pass has run in which
        // this one, still within its hot period of 1 minute, was kept in memory.
        var earlier = await client.CreateBackgroundAsync("goes cold first", ResponsesApi.Synthetic(10));
        await client.WaitForTerminalAsync(earlier);
        clock.Advance(TimeSpan.FromSeconds(30));
        var id = await client.CreateBackgroundAsync("goes cold 🧊 冷", ResponsesApi.Synthetic(60));
        await client.WaitForTerminalAsync(id);
        var hot = await client.ReadAllEventsAsync(id);
        var hotObject = (await client.GetJsonAsync($"v1/responses/{id}")).GetRawText();
        var hotEvents = (await admin.GetJsonAsync($"admin/responses/{id}")).GetProperty("events").GetRawText();
        clock.Advance(TimeSpan.FromSeconds(31));
        await AdvanceUntilStorageAsync(clock, admin, earlier, "wal");
        Assert.Equal("memory", await StorageOfAsync(admin, id));

        clock.Advance(TimeSpan.FromSeconds(30));
        await AdvanceUntilStorageAsync(clock, admin, id, "wal");

        var cold = await client.ReadAllEventsAsync(id);
        Assert.Equal(ResponsesApi.RawBytes(hot), ResponsesApi.RawBytes(cold));
        for (var cut = 0; cut < hot.Count; cut++)
        {
            Assert.Equal(ResponsesApi.RawBytes(hot.Skip(cut + 1)), ResponsesApi.RawBytes(await client.ReadAllEventsAsync(id, startingAfter: hot[cut].SequenceNumber)));
        }

        var (response, reader) = await client.OpenStreamAsync(id, lastEventId: hot[^3].SequenceNumber);
        using (response)
        await using (reader)
        {
            Assert.Equal(ResponsesApi.RawBytes(hot.TakeLast(2)), ResponsesApi.RawBytes(await reader.ReadToEndAsync()));
        }

        Assert.Equal(hotObject, (await client.GetJsonAsync($"v1/responses/{id}")).GetRawText());
        Assert.Equal(hotEvents, (await admin.GetJsonAsync($"admin/responses/{id}")).GetProperty("events").GetRawText());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"v1/responses/{id}?stream=true&starting_after={hot[^1].SequenceNumber + 1}")).StatusCode);
        var stats = await admin.GetJsonAsync("admin/stats");
        Assert.Equal(2, stats.GetProperty("cold_responses").GetInt32());
    }

    [Fact]
    public async Task HotBytesLimitZero_CoolsFinishedResponsesAtOnce_AndKeepsRunningOnesInMemory()
    {
        var clock = new FakeTimeProvider();
        await using var factory = Server(clock, hotBytesLimit: 0);
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var running = await client.CreateBackgroundAsync("still running", ResponsesApi.Synthetic(100_000, tokensPerSecond: 100));
        var finished = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await client.CreateBackgroundAsync($"finished {i}", ResponsesApi.Synthetic(30));
            await client.WaitForTerminalAsync(id);
            finished.Add(id);
        }

        foreach (var id in finished)
        {
            await AdvanceUntilStorageAsync(clock, admin, id, "wal");
            var frames = await client.ReadAllEventsAsync(id);
            Assert.Equal("response.completed", frames[^1].Event);
            Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
        }

        Assert.Equal("memory", await StorageOfAsync(admin, running));
        await client.PostAsync($"v1/responses/{running}/cancel", null);
    }

    [Fact]
    public async Task ColdResponse_AfterARestart_StaysColdAndReplaysTheSameBytes()
    {
        using var directory = new TempDirectory("cold-restart");
        string id;
        byte[] before;
        string beforeObject;
        var clock = new FakeTimeProvider();
        await using (var first = Server(clock, directory: directory.Path, hotBytesLimit: 0))
        {
            var client = first.CreateApiClient();
            id = await client.CreateBackgroundAsync("cold across restarts", ResponsesApi.Synthetic(80));
            await client.WaitForTerminalAsync(id);
            await AdvanceUntilStorageAsync(clock, first.CreateApiClient(TestKeys.Admin), id, "wal");
            before = ResponsesApi.RawBytes(await client.ReadAllEventsAsync(id));
            beforeObject = (await client.GetJsonAsync($"v1/responses/{id}")).GetRawText();
        }

        await using var second = Server(new FakeTimeProvider(clock.GetUtcNow()), directory: directory.Path);
        var again = second.CreateApiClient();
        Assert.Equal("wal", await StorageOfAsync(second.CreateApiClient(TestKeys.Admin), id));
        Assert.Equal(before, ResponsesApi.RawBytes(await again.ReadAllEventsAsync(id)));
        Assert.Equal(beforeObject, (await again.GetJsonAsync($"v1/responses/{id}")).GetRawText());
    }

    [Fact]
    public async Task DurabilityNone_KeepsFinishedResponsesInMemoryUntilTheyExpire()
    {
        var clock = new FakeTimeProvider();
        await using var factory = Server(clock, "None", hotBytesLimit: 0);
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);

        // Two responses that finish a minute apart, and a minute before this one, expire in two passes of the
        // sweep: once the second is released, a cooling pass has run after the first one's release, with this
        // response long past its hot period and over the hot-bytes limit.
        var first = await client.CreateBackgroundAsync("expires first", ResponsesApi.Synthetic(3));
        await client.WaitForTerminalAsync(first);
        clock.Advance(TimeSpan.FromMinutes(1));
        var second = await client.CreateBackgroundAsync("expires second", ResponsesApi.Synthetic(3));
        await client.WaitForTerminalAsync(second);
        clock.Advance(TimeSpan.FromMinutes(1));
        var id = await client.CreateBackgroundAsync("memory only", ResponsesApi.Synthetic(20));
        await client.WaitForTerminalAsync(id);

        clock.Advance(TimeSpan.FromMinutes(8) + TimeSpan.FromSeconds(1));
        await Eventually.UntilAsync(async () => await RetainedResponsesAsync(admin) == 2, "the first response's release", Sweeps(clock));
        clock.Advance(TimeSpan.FromMinutes(1));
        await Eventually.UntilAsync(async () => await RetainedResponsesAsync(admin) == 1, "the second response's release", Sweeps(clock));

        Assert.Equal("memory", await StorageOfAsync(admin, id));
        Assert.Equal("response.completed", (await client.ReadAllEventsAsync(id))[^1].Event);
    }

    [Fact]
    public async Task ColdResponse_WhoseEventsAreReclaimedWhileItIsRead_Answers410NotAShortStream()
    {
        var clock = new FakeTimeProvider();
        var disk = new ReadHoldingDisk();
        await using var factory = ResumableAppFactory.Create(
            new Dictionary<string, string?> { ["Resumable:Retention:HotBytesLimit"] = "0" },
            services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.AddSingleton<ILogDeviceFactory>(disk);
            });
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var id = await client.CreateBackgroundAsync("reclaimed under a reader", ResponsesApi.Synthetic(20));
        await client.WaitForTerminalAsync(id);
        await Eventually.UntilAsync(async () => await ListedStorageOfAsync(admin, id) == "wal", $"{id} to go cold", Sweeps(clock));
        Assert.True(factory.Services.GetRequiredService<ResponseRegistry>().TryGetAnyTenant(id, out var entry));
        var coldCopy = entry.Cold!;

        // A stream and an operator's inspection look the response up and start reading its cold copy; the reads
        // are held at the disk.
        disk.HoldReads();
        var stream = client.GetAsync($"v1/responses/{id}?stream=true&starting_after=3");
        var inspection = admin.GetAsync($"admin/responses/{id}");
        await Eventually.UntilAsync(() => disk.HeldReads >= 2, "both cold reads to reach the disk");

        // Meanwhile the response expires: the sweep releases it and the log is truncated past its records.
        var log = factory.Services.GetRequiredService<FasterEventLog>();
        clock.Advance(TimeSpan.FromMinutes(10));
        await Eventually.UntilAsync(() => log.GetStatistics()!.BeginAddress > coldCopy.Locations[^1], "the log to be truncated past the cold copy", Sweeps(clock));
        Assert.Equal(0, await RetainedResponsesAsync(admin));

        disk.ReleaseReads();
        foreach (var pending in new[] { stream, inspection })
        {
            using var response = await pending;
            Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
            var error = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("response_expired", error.GetProperty("code").GetString());
            Assert.Contains(id, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }
}
