using System.Net;
using Resumable.Testing;

namespace Resumable.Server.Tests.Streaming;

/// <summary>
/// Streams over HTTP/2 without TLS (an h2c endpoint): many readers as streams of one connection, the lean way to
/// hold thousands of idle readers, with the same bytes and the same resume semantics as over HTTP/1.1.
/// </summary>
public class Http2StreamingTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    [Fact]
    public async Task Http2_ManyReadersOnOneConnection_EachReceivesTheSameBytesAsAnHttp11Reader()
    {
        using var http2 = factory.CreateHttp2ApiClient();
        using var http11 = factory.CreateApiClient();
        var id = await http2.CreateBackgroundAsync("over h2c", ResponsesApi.Synthetic(120, tokensPerSecond: 400));

        var readers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var (response, reader) = await http2.OpenStreamAsync(id);
            using (response)
            await using (reader)
            {
                Assert.Equal(HttpVersion.Version20, response.Version);
                Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
                return ResponsesApi.RawBytes(await reader.ReadToEndAsync());
            }
        })).WaitAsync(TimeSpan.FromSeconds(60));

        var reference = ResponsesApi.RawBytes(await http11.ReadAllEventsAsync(id));
        Assert.All(readers, bytes => Assert.True(reference.AsSpan().SequenceEqual(bytes), "an HTTP/2 reader's stream differs from the HTTP/1.1 replay"));
    }

    [Fact]
    public async Task Http2_LastEventIdOnAStreamOfAnOpenConnection_ReplaysExactlyTheRest()
    {
        using var http2 = factory.CreateHttp2ApiClient();
        var id = await http2.CreateBackgroundAsync("resume over h2c", ResponsesApi.Synthetic(30));
        await http2.WaitForTerminalAsync(id);
        var full = await http2.ReadAllEventsAsync(id);

        var (response, reader) = await http2.OpenStreamAsync(id, lastEventId: full[9].SequenceNumber);
        using (response)
        await using (reader)
        {
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal(ResponsesApi.RawBytes(full.Skip(10)), ResponsesApi.RawBytes(await reader.ReadToEndAsync()));
        }
    }

    [Fact]
    public async Task Http2_ReaderThatResetsItsStream_LeavesTheOtherStreamsOfTheConnectionRunning()
    {
        using var http2 = factory.CreateHttp2ApiClient();
        var id = await http2.CreateBackgroundAsync("reset one stream", ResponsesApi.Synthetic(60, tokensPerSecond: 200));

        // Cancelling one request resets only its stream (RST_STREAM); the connection and its other stream go on.
        using (var leaving = new CancellationTokenSource())
        {
            var (response, reader) = await http2.OpenStreamAsync(id, cancellationToken: leaving.Token);
            using (response)
            await using (reader)
            {
                Assert.NotNull(await reader.ReadEventAsync());
                await leaving.CancelAsync();
            }
        }

        var rest = await http2.ReadAllEventsAsync(id).WaitAsync(Eventually.HangBound);
        Assert.Equal("response.completed", rest[^1].Event);
    }
}
