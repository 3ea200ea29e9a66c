using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Persistence;

public class StorageFaultTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Settings(string walDirectory) => new()
    {
        ["Resumable:Wal:Directory"] = walDirectory,
        ["Resumable:Wal:SegmentSizeBytes"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Resumable:Wal:PageSizeBytes"] = (1 << 16).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Resumable:Wal:MemorySizeBytes"] = (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task DiskFull_RefusesNewJobsWith503_KeepsRunningStreams_ReopensOnceThereIsRoom_AndRestartRecovers()
    {
        using var disk = new TmpfsMount(3 << 20);
        var filler = Path.Combine(disk.Path, "filler");
        await File.WriteAllBytesAsync(filler, new byte[1 << 20]);
        var wal = Path.Combine(disk.Path, "wal");
        string beforeFault;
        string afterReopen;
        byte[] afterReopenBytes;
        await using (var factory = ResumableAppFactory.Create(Settings(wal)))
        {
            var client = factory.CreateApiClient();
            var admin = factory.CreateApiClient(TestKeys.Admin);
            beforeFault = await client.CreateBackgroundAsync("before the disk filled", ResponsesApi.Synthetic(20));
            await client.WaitForTerminalAsync(beforeFault);
            await admin.WaitUntilDurableAsync(beforeFault);
            var running = await client.CreateBackgroundAsync("keeps streaming", ResponsesApi.Synthetic(400, tokensPerSecond: 200));
            var runningStream = client.ReadAllEventsAsync(running);

            // Fill the disk with the log itself until a commit fails.
            string? fault = null;
            for (var i = 0; i < 40 && fault is null; i++)
            {
                var response = await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = $"filler {i}", background = true, metadata = ResponsesApi.Synthetic(3_000) });
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    await client.WaitForTerminalAsync(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
                }

                var walStats = (await admin.GetJsonAsync("admin/stats")).GetProperty("wal");
                fault = walStats.GetProperty("fault").GetString();
            }

            Assert.NotNull(fault);
            output.WriteLine($"log fault: {fault}");

            // Once the fault is visible, new jobs are refused with a clear 503 (waiting only for the refusal, not
            // for how soon it comes).
            HttpResponseMessage refused = null!;
            await Eventually.UntilAsync(
                async () => (refused = await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "after the fault", background = true })).StatusCode == HttpStatusCode.ServiceUnavailable,
                "a new response to be refused with 503");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal("storage_unavailable", error.GetProperty("code").GetString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("readyz")).StatusCode);

            // The response that was running finishes from memory; nothing hangs.
            var frames = await runningStream.WaitAsync(Eventually.HangBound);
            Assert.Equal("response.completed", frames[^1].Event);
            Assert.Equal(Enumerable.Range(0, frames.Count).Select(n => (long)n), frames.Select(f => f.SequenceNumber));

            // Once there is room again the log reopens by itself (ReopenInterval is 1 s): ready, and new responses persist.
            File.Delete(filler);
            var freed = Stopwatch.StartNew();
            await Eventually.UntilAsync(async () => (await client.GetAsync("readyz")).StatusCode == HttpStatusCode.OK, "the log to reopen and /readyz to answer 200");
            output.WriteLine($"ready again {freed.ElapsedMilliseconds} ms after space was freed");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("readyz")).StatusCode);
            Assert.Null((await admin.GetJsonAsync("admin/stats")).GetProperty("wal").GetProperty("fault").GetString());
            afterReopen = await client.CreateBackgroundAsync("after the log reopened", ResponsesApi.Synthetic(50));
            await client.WaitForTerminalAsync(afterReopen);
            afterReopenBytes = ResponsesApi.RawBytes(await client.ReadAllEventsAsync(afterReopen));
            await admin.WaitUntilDurableAsync(afterReopen);
        }

        // A restart recovers what was committed before the fault and after the reopening.
        await using var restarted = ResumableAppFactory.Create(Settings(wal));
        var again = restarted.CreateApiClient();
        Assert.Equal("completed", (await again.GetJsonAsync($"v1/responses/{beforeFault}")).GetProperty("status").GetString());
        Assert.Equal("response.completed", (await again.ReadAllEventsAsync(beforeFault))[^1].Event);
        Assert.Equal(afterReopenBytes, ResponsesApi.RawBytes(await again.ReadAllEventsAsync(afterReopen)));
        Assert.Equal(HttpStatusCode.OK, (await again.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "healthy again", background = true })).StatusCode);
    }
}
