using System.Net;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Endpoints;

public class ResumeTests(ResumableAppFactory factory, ITestOutputHelper output) : IClassFixture<ResumableAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    [Fact]
    public async Task Resume_RandomLiveCutsByManyConcurrentReaders_ReassembleTheStreamByteForByte()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (var round = 0; round < 3; round++)
        {
            // Paced so that most cuts land while the response is still being generated.
            var id = await _client.CreateBackgroundAsync($"round {round} of cuts", ResponsesApi.Synthetic(150, tokensPerSecond: 300));
            var readers = Enumerable.Range(0, 8).Select(i => ReadWithOneCutAsync(id, random.Next(1, 200), useHeader: i % 2 == 0)).ToArray();
            var reassembled = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));

            var reference = ResponsesApi.RawBytes(await _client.ReadAllEventsAsync(id));
            foreach (var (bytes, cut) in reassembled)
            {
                Assert.True(reference.AsSpan().SequenceEqual(bytes), $"reader cut after {cut} events differs from the uninterrupted stream (seed {seed})");
            }
        }
    }

    [Fact]
    public async Task Resume_EveryCutPointOfAFinishedResponse_ReplaysExactlyTheRest()
    {
        var id = await _client.CreateBackgroundAsync("every cut point", ResponsesApi.Synthetic(12));
        await _client.WaitForTerminalAsync(id);
        var full = await _client.ReadAllEventsAsync(id);

        // Cursors inside the lifecycle events, in the deltas, and at the terminal event itself.
        for (var cut = 0; cut < full.Count; cut++)
        {
            var rest = await _client.ReadAllEventsAsync(id, startingAfter: full[cut].SequenceNumber);
            Assert.Equal(ResponsesApi.RawBytes(full.Skip(cut + 1)), ResponsesApi.RawBytes(rest));
        }
    }

    [Fact]
    public async Task Resume_AfterTheTerminalEvent_ReturnsAnEmptyStreamThatEnds()
    {
        var id = await _client.CreateBackgroundAsync("done already", ResponsesApi.Synthetic(5));
        await _client.WaitForTerminalAsync(id);
        var last = (await _client.ReadAllEventsAsync(id))[^1].SequenceNumber;

        var (response, reader) = await _client.OpenStreamAsync(id, startingAfter: last);
        using (response)
        await using (reader)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(await reader.ReadToEndAsync().WaitAsync(Eventually.HangBound));
        }
    }

    [Fact]
    public async Task Resume_LastEventIdHeaderAndStartingAfter_HeaderWins()
    {
        var id = await _client.CreateBackgroundAsync("header wins", ResponsesApi.Synthetic(10));
        await _client.WaitForTerminalAsync(id);

        var (response, reader) = await _client.OpenStreamAsync(id, startingAfter: 2, lastEventId: 6);
        using (response)
        await using (reader)
        {
            Assert.Equal(7, (await reader.ReadEventAsync())!.SequenceNumber);
        }
    }

    [Fact]
    public async Task Stream_FullReplayWhileLive_ThenFollowsTheTailToTheEnd()
    {
        var id = await _client.CreateBackgroundAsync("replay then tail", ResponsesApi.Synthetic(80, tokensPerSecond: 200));
        var frames = await _client.ReadAllEventsAsync(id);

        Assert.Equal(0, frames[0].SequenceNumber);
        Assert.Equal("response.completed", frames[^1].Event);
        Assert.Equal(Enumerable.Range(0, frames.Count).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
    }

    private async Task<(byte[] Bytes, int Cut)> ReadWithOneCutAsync(string id, int cutAfterEvents, bool useHeader)
    {
        var received = new List<SseFrame>();
        var (response, reader) = await _client.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            while (received.Count < cutAfterEvents && await reader.ReadEventAsync() is { } frame)
            {
                received.Add(frame);
            }
        }

        if (received.Count > 0 && received[^1].IsTerminal)
        {
            return (ResponsesApi.RawBytes(received), cutAfterEvents);
        }

        var cursor = received[^1].SequenceNumber;
        var rest = useHeader
            ? await ReadRestAsync(await _client.OpenStreamAsync(id, lastEventId: cursor))
            : await ReadRestAsync(await _client.OpenStreamAsync(id, startingAfter: cursor));
        return (ResponsesApi.RawBytes(received.Concat(rest)), cutAfterEvents);
    }

    private static async Task<List<SseFrame>> ReadRestAsync((HttpResponseMessage Response, SseReader Reader) stream)
    {
        using (stream.Response)
        await using (stream.Reader)
        {
            return await stream.Reader.ReadToEndAsync();
        }
    }
}
