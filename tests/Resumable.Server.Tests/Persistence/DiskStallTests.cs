using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Persistence;

public class DiskStallTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AsyncDurability_WhileEveryDiskWriteStalls_ReadersGetWholeResponses_AndTheyBecomeDurableOnceItRecovers_ByteForByte()
    {
        using var data = new TempDirectory("stall");
        var settings = new Dictionary<string, string?> { ["Resumable:Wal:Durability"] = "Async", ["Resumable:Wal:Directory"] = data.Path };
        var disk = new StallingDisk();
        var ids = new List<string>();
        List<SseFrame>[] streams;
        await using (var factory = ResumableAppFactory.Create(
            settings,
            disk.ReplaceDevicesOf))
        {
            var client = factory.CreateApiClient();
            var admin = factory.CreateApiClient(TestKeys.Admin);
            await client.WaitForTerminalAsync(await client.CreateBackgroundAsync("before the stall", ResponsesApi.Synthetic(10)));

            // More than the log's 32 MiB of memory: page flushes stall, then the log is full and its writer waits.
            disk.Stall();
            for (var i = 0; i < 4; i++)
            {
                ids.Add(await client.CreateBackgroundAsync($"during the stall {i}", ResponsesApi.Synthetic(40_000)));
            }

            streams = await Task.WhenAll(ids.Select(id => client.ReadAllEventsAsync(id))).WaitAsync(TimeSpan.FromSeconds(60));
            foreach (var stream in streams)
            {
                Assert.Equal(Enumerable.Range(0, stream.Count).Select(i => (long)i), stream.Select(f => f.SequenceNumber));
                Assert.Equal("response.completed", stream[^1].Event);
            }

            var held = disk.HeldWrites;
            var lags = await Task.WhenAll(ids.Select(id => admin.DurableLagAsync(id)));
            output.WriteLine($"writes held by the stalled disk: {held}; durable lag of each response: {string.Join(", ", lags)}");
            Assert.True(held > 0, "no write reached the stalled disk");
            Assert.All(lags, lag => Assert.True(lag > 0, "an event became durable while the disk stalled"));

            disk.Recover();
            foreach (var id in ids)
            {
                await admin.WaitUntilDurableAsync(id);
            }
        }

        // What the log took while its memory was full (record by record, then in batches again) is whole and in
        // order: a node restarted on the same directory, now on a responsive disk, replays every response byte for
        // byte as it was streamed.
        await using var restarted = ResumableAppFactory.Create(settings);
        var replayClient = restarted.CreateApiClient();
        for (var i = 0; i < ids.Count; i++)
        {
            var replayed = await replayClient.ReadAllEventsAsync(ids[i]);
            Assert.Equal(streams[i].Select(frame => Convert.ToHexString(frame.Raw)), replayed.Select(frame => Convert.ToHexString(frame.Raw)));
        }
    }
}
