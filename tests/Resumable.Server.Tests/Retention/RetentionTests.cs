using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Retention;

public class RetentionTests(ITestOutputHelper output)
{
    // The server's clock is the test's: the sweep (every 50 ms of it in tests) runs only when the test moves it.
    // While a test waits for a sweep's effect it moves the clock a sweep interval at a time.
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(50);

    private static async Task<int> RetainedResponsesAsync(HttpClient admin) =>
        (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32();

    [Fact]
    public async Task FinishedResponse_AfterTheRetentionWindow_Answers404AndIsReleased()
    {
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var id = await client.CreateBackgroundAsync("short-lived", ResponsesApi.Synthetic(5));
        await client.WaitForTerminalAsync(id);

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.NotEmpty(await client.ReadAllEventsAsync(id));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}?stream=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"v1/responses/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"admin/responses/{id}")).StatusCode);

        // A sweep frees the memory.
        await Eventually.UntilAsync(async () => await RetainedResponsesAsync(admin) == 0, "the sweep to release the expired response", () => clock.Advance(SweepInterval));
        Assert.Equal(0, await RetainedResponsesAsync(admin));
    }

    [Fact]
    public async Task RunningResponse_NeverExpiresBeforeItFinishes()
    {
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var expired = await client.CreateBackgroundAsync("finished long ago", ResponsesApi.Synthetic(3));
        await client.WaitForTerminalAsync(expired);

        // Paced on the same clock: a token every 100 s of it, so an hour later it is still generating.
        var id = await client.CreateBackgroundAsync("long-running", ResponsesApi.Synthetic(100, tokensPerSecond: 0.01));
        await client.WaitForStatusAsync(id, "in_progress");
        clock.Advance(TimeSpan.FromHours(1));

        // The sweep that released the finished response looked at the running one in the same pass.
        await Eventually.UntilAsync(async () => await RetainedResponsesAsync(admin) == 1, "the sweep to release the finished response", () => clock.Advance(SweepInterval));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{expired}")).StatusCode);
        var running = await client.GetAsync($"v1/responses/{id}");
        Assert.Equal(HttpStatusCode.OK, running.StatusCode);
        Assert.Equal("in_progress", System.Text.Json.JsonDocument.Parse(await running.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        await client.PostAsync($"v1/responses/{id}/cancel", null);
    }

    [Fact]
    public async Task SteadyLoad_WithShortRetention_KeepsTheLogFromGrowing()
    {
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(
            new Dictionary<string, string?>
            {
                ["Resumable:Wal:SegmentSizeBytes"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Resumable:Wal:PageSizeBytes"] = (1 << 16).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Resumable:Wal:MemorySizeBytes"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Resumable:Retention:Retention"] = "00:01:00",
            },
            services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var sizes = new List<long>();
        long written = 0;
        for (var round = 0; round < 8; round++)
        {
            for (var i = 0; i < 2; i++)
            {
                var id = await client.CreateBackgroundAsync($"load {round}.{i}", ResponsesApi.Synthetic(3_000));
                await client.WaitForTerminalAsync(id);
            }

            var before = (await admin.GetJsonAsync("admin/stats")).GetProperty("wal");
            written = before.GetProperty("tail_address").GetInt64();
            clock.Advance(TimeSpan.FromMinutes(2));

            // Wait for the sweep, the release, the truncating commit and the deletion of the segment files below it.
            // Everything written so far belongs to released responses, so the log reclaims up to its tail (once the
            // tail is committed): what was committed when the last response ended may lag it by a segment or more.
            await Eventually.UntilAsync(
                async () => (await admin.GetJsonAsync("admin/stats")).GetProperty("wal").GetProperty("begin_address").GetInt64() is var begin
                    && begin >= written
                    && !SegmentsWhollyBelow(factory.WalDirectory, begin).Any(),
                $"the log to reclaim what it held before round {round} was released",
                () => clock.Advance(SweepInterval));

            sizes.Add(LogFileBytes(factory.WalDirectory));
        }

        output.WriteLine($"{written:N0} bytes written in all; log files after each round: {string.Join(", ", sizes.Select(b => b.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}");

        // Over 8 rounds the log took in many times its segment size, yet the files on disk stay within a few segments.
        Assert.True(written > 8L << 20, $"only {written:N0} bytes were written");
        Assert.All(sizes, size => Assert.True(size <= 2L << 20, $"log files grew to {size:N0} bytes: {string.Join(", ", sizes)}"));
    }

    // Segment k of the log (file events.log.k) holds addresses [k, k + 1) MiB.
    private static IEnumerable<string> SegmentsWhollyBelow(string directory, long address) =>
        new DirectoryInfo(directory).EnumerateFiles("events.log.*")
            .Where(file => long.TryParse(file.Extension.TrimStart('.'), System.Globalization.CultureInfo.InvariantCulture, out var segment) && (segment + 1) << 20 <= address)
            .Select(file => file.Name);

    // The log deletes segment files while this looks: a file listed but gone by the time it is measured holds nothing.
    private static long LogFileBytes(string directory) => new DirectoryInfo(directory).EnumerateFiles("events.log.*").Sum(file =>
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    });
}
