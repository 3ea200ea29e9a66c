using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Diagnostics;
using Resumable.Testing;

namespace Resumable.Server.Tests.Persistence;

/// <summary>
/// A disk that stalls without failing: what waits for it is bounded, the node says so, expiry goes on, and
/// stopping ends within its deadline. The stall is switched on and off by the test, never timed.
/// </summary>
public class StalledDiskBoundTests
{
    private static ResumableAppFactory Server(StallingDisk disk, Dictionary<string, string?> settings) => ResumableAppFactory.Create(
        settings,
        services =>
        {
            disk.ReplaceDevicesOf(services);
            services.AddFakeLogging();
        });

    [Fact]
    public async Task Create_MoreBytesWaitForAStalledDiskThanTheBound_Returns503WithRetryAfterAndReadyzSaysWhy_UntilTheDiskRecovers()
    {
        var disk = new StallingDisk();
        await using var factory = Server(disk, new()
        {
            ["Resumable:Wal:Durability"] = "Async",
            ["Resumable:Wal:MaxPendingBytes"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Resumable:Queue:RetryAfterSeconds"] = "3",
        });
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);

        disk.Stall();
        var running = await client.CreateBackgroundAsync("streams from memory during the stall", ResponsesApi.Synthetic(20_000));
        var stream = await client.ReadAllEventsAsync(running).WaitAsync(Eventually.HangBound);
        var pending = (await admin.GetJsonAsync("admin/stats")).GetProperty("wal").GetProperty("pending_bytes").GetInt64();

        var refused = await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "refused", background = true });
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        var ready = await client.GetAsync("readyz");
        var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("response.completed", stream[^1].Event);
        Assert.Equal(Enumerable.Range(0, stream.Count).Select(i => (long)i), stream.Select(f => f.SequenceNumber));
        Assert.True(pending > 1 << 20, $"only {pending} bytes wait for the disk");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("storage_unavailable", error.GetProperty("code").GetString());
        Assert.Contains("MaxPendingBytes", error.GetProperty("message").GetString());
        Assert.Equal("3", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", readiness.GetProperty("checks").GetProperty("wal").GetProperty("status").GetString());
        Assert.Contains("saturated", readiness.GetProperty("checks").GetProperty("wal").GetProperty("description").GetString());

        disk.Recover();
        await admin.WaitUntilDurableAsync(running);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
        await client.WaitForTerminalAsync(await client.CreateBackgroundAsync("admitted again", ResponsesApi.Synthetic(5)));
    }

    [Fact]
    public async Task Sweep_WhileACoolingRoundWaitsForAStalledDisk_StillReleasesExpiredResponses()
    {
        var disk = new StallingDisk();
        await using var factory = Server(disk, new()
        {
            ["Resumable:Wal:Durability"] = "Async",
            ["Resumable:Retention:Retention"] = "00:00:04",
            ["Resumable:Retention:HotPeriod"] = "00:00:02",
        });
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var id = await client.CreateBackgroundAsync("expires during the stall", ResponsesApi.Synthetic(5));
        await client.WaitForTerminalAsync(id);

        // Durable and still hot when the disk stalls: once its hot period is over, the cooler writes its
        // consolidated copy and then waits for a commit that the stalled disk holds back.
        await admin.WaitUntilDurableAsync(id);
        disk.Stall();
        Assert.Equal("memory", (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response").GetProperty("storage").GetString());
        await Eventually.UntilAsync(() => disk.HeldWrites > 0, "the cooler's write to reach the stalled disk");
        await Eventually.UntilAsync(async () => (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32() == 0, "the expired response to be released");

        Assert.Equal(0, (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        disk.Recover();
    }

    [Fact]
    public async Task Stop_WhileTheDiskStalls_EndsWithinItsDeadlineAndLogsWhatWasNotDurable()
    {
        var disk = new StallingDisk();
        var factory = Server(disk, new()
        {
            ["Resumable:Wal:Durability"] = "Async",
            ["Resumable:Wal:ShutdownTimeout"] = "00:00:01",
        });
        try
        {
            var client = factory.CreateApiClient();
            disk.Stall();
            var id = await client.CreateBackgroundAsync("not durable at shutdown", ResponsesApi.Synthetic(2_000));
            await client.ReadAllEventsAsync(id).WaitAsync(Eventually.HangBound);
            var logs = factory.Services.GetFakeLogCollector();

            await factory.DisposeAsync().AsTask().WaitAsync(Eventually.HangBound);

            var warning = Assert.Single(logs.GetSnapshot(), record => record.Id.Id == EventIds.WalNotDurableAtShutdown);
            Assert.Contains("were not committed", warning.Message);
        }
        finally
        {
            disk.Recover();
            await factory.DisposeAsync();
        }
    }
}
