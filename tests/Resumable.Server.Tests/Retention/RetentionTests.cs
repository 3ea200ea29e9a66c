using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Retention;

public class RetentionTests(ITestOutputHelper output)
{
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

        // The sweeper runs every 50 ms in tests; bounded wait for it to free the memory.
        for (var attempt = 0; attempt < 200 && (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32() > 0; attempt++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32());
    }

    [Fact]
    public async Task RunningResponse_NeverExpiresBeforeItFinishes()
    {
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var id = await client.CreateBackgroundAsync("long-running", ResponsesApi.Synthetic(5000, tokensPerSecond: 20));

        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
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

            // Bounded wait for the sweep, the release, the truncating commit and the deletion of the files below it
            // (up to 15 s: the whole suite runs in parallel on two cores; a healthy run takes milliseconds).
            for (var attempt = 0; attempt < 750; attempt++)
            {
                var wal = (await admin.GetJsonAsync("admin/stats")).GetProperty("wal");
                if (wal.GetProperty("begin_address").GetInt64() >= before.GetProperty("committed_until_address").GetInt64()
                    && LogFileBytes(factory.WalDirectory) <= 2L << 20)
                {
                    break;
                }

                await Task.Delay(20);
            }

            sizes.Add(LogFileBytes(factory.WalDirectory));
        }

        output.WriteLine($"{written:N0} bytes written in all; log files after each round: {string.Join(", ", sizes.Select(b => b.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}");

        // Over 8 rounds the log took in many times its segment size, yet the files on disk stay within a few segments.
        Assert.True(written > 8L << 20, $"only {written:N0} bytes were written");
        Assert.All(sizes, size => Assert.True(size <= 2L << 20, $"log files grew to {size:N0} bytes: {string.Join(", ", sizes)}"));
    }

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
