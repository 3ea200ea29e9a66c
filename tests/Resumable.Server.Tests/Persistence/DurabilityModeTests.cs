using System.Net;
using Resumable.Testing;

namespace Resumable.Server.Tests.Persistence;

public class DurabilityModeTests
{
    private static ResumableAppFactory Server(string mode, string? walDirectory = null)
    {
        var settings = new Dictionary<string, string?> { ["Resumable:Wal:Durability"] = mode };
        if (walDirectory is not null)
        {
            settings["Resumable:Wal:Directory"] = walDirectory;
        }

        return ResumableAppFactory.Create(settings);
    }

    [Theory]
    [InlineData("None")]
    [InlineData("Async")]
    [InlineData("Sync")]
    public async Task StreamAndResume_AtEveryCutPoint_AreExactInEveryMode(string mode)
    {
        await using var factory = Server(mode);
        var client = factory.CreateApiClient();
        var live = client.ReadAllEventsAsync(await client.CreateBackgroundAsync("modes", ResponsesApi.Synthetic(20, tokensPerSecond: 500)));
        var id = await client.CreateBackgroundAsync("modes, finished", ResponsesApi.Synthetic(20));
        await client.WaitForTerminalAsync(id);
        var full = await client.ReadAllEventsAsync(id);

        Assert.Equal(Enumerable.Range(0, full.Count).Select(i => (long)i), full.Select(f => f.SequenceNumber));
        Assert.Equal("response.completed", full[^1].Event);
        for (var cut = 0; cut < full.Count; cut++)
        {
            Assert.Equal(ResponsesApi.RawBytes(full.Skip(cut + 1)), ResponsesApi.RawBytes(await client.ReadAllEventsAsync(id, startingAfter: full[cut].SequenceNumber)));
        }

        var streamedLive = await live.WaitAsync(Eventually.HangBound);
        Assert.Equal("response.completed", streamedLive[^1].Event);
        Assert.Equal(Enumerable.Range(0, streamedLive.Count).Select(i => (long)i), streamedLive.Select(f => f.SequenceNumber));
    }

    [Theory]
    [InlineData("None")]
    [InlineData("Async")]
    [InlineData("Sync")]
    public async Task Cancel_WhileStreaming_EndsEveryReaderOnceInEveryMode(string mode)
    {
        await using var factory = Server(mode);
        var client = factory.CreateApiClient();
        var id = await client.CreateBackgroundAsync("cancel in mode", ResponsesApi.Synthetic(5000, tokensPerSecond: 200));
        var reader = client.ReadInBackground(id);
        await reader.MidStream.WaitAsync(Eventually.HangBound);

        await client.PostAsync($"v1/responses/{id}/cancel", null);
        var frames = await reader.Frames.WaitAsync(Eventually.HangBound);

        Assert.Single(frames, f => f.IsTerminal);
        Assert.Equal("cancelled", frames[^1].Json.GetProperty("response").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Sync_EveryEventAReaderReceives_IsAlreadyDurable()
    {
        await using var factory = Server("Sync");
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var id = await client.CreateBackgroundAsync("durable first", ResponsesApi.Synthetic(40, tokensPerSecond: 100));

        var (response, reader) = await client.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            while (await reader.ReadEventAsync() is { } frame)
            {
                var durable = (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response").GetProperty("durable_sequence_number").GetInt64();
                Assert.True(durable >= frame.SequenceNumber, $"event {frame.SequenceNumber} reached a reader before it was durable ({durable})");
            }
        }
    }

    [Theory]
    [InlineData("Async")]
    [InlineData("Sync")]
    public async Task Restart_OnTheSameLog_ReplaysFinishedResponsesByteForByte(string mode)
    {
        using var directory = new TempDirectory("restart");
        string id;
        byte[] before;
        await using (var first = Server(mode, directory.Path))
        {
            var client = first.CreateApiClient();
            id = await client.CreateBackgroundAsync("survives a restart 🚀", ResponsesApi.Synthetic(50));
            await client.WaitForTerminalAsync(id);
            before = ResponsesApi.RawBytes(await client.ReadAllEventsAsync(id));
        }

        await using var second = Server(mode, directory.Path);
        var again = second.CreateApiClient();
        Assert.Equal(before, ResponsesApi.RawBytes(await again.ReadAllEventsAsync(id)));
        Assert.Equal("completed", (await again.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
        Assert.Equal("survives a restart 🚀", (await again.GetJsonAsync($"v1/responses/{id}/input_items")).GetProperty("data")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Restart_WithDurabilityNone_ForgetsEverything()
    {
        using var directory = new TempDirectory("none");
        string id;
        await using (var first = Server("None", directory.Path))
        {
            var client = first.CreateApiClient();
            id = await client.CreateBackgroundAsync("memory only", ResponsesApi.Synthetic(5));
            await client.WaitForTerminalAsync(id);
        }

        await using var second = Server("None", directory.Path);
        Assert.Equal(HttpStatusCode.NotFound, (await second.CreateApiClient().GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory.Path));
    }

    [Fact]
    public async Task Restart_ResponseRunningAtShutdown_EndsWithServerShutdownAndReplays()
    {
        using var directory = new TempDirectory("shutdown");
        string id;
        await using (var first = Server("Async", directory.Path))
        {
            var client = first.CreateApiClient();
            id = await client.CreateBackgroundAsync("interrupted", ResponsesApi.Synthetic(100_000, tokensPerSecond: 500));
            await client.WaitForStatusAsync(id, "in_progress");
        }

        await using var second = Server("Async", directory.Path);
        var frames = await second.CreateApiClient().ReadAllEventsAsync(id);
        Assert.Equal("response.failed", frames[^1].Event);
        Assert.Equal("server_shutdown", frames[^1].Json.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
    }
}
