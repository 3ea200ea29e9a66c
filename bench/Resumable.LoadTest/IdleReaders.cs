using System.Net.Sockets;
using System.Text;

namespace Resumable.LoadTest;

/// <summary>The server's memory per idle SSE reader: many streams open on responses that emit nothing for minutes.</summary>
internal static class IdleReaders
{
    /// <remarks>
    /// Over HTTP/1.1 every reader is a connection of its own; over HTTP/2 (<paramref name="client"/> from
    /// <see cref="ServerUnderTest.CreateHttp2Client"/>) the readers share connections, up to Kestrel's 100 streams each.
    /// </remarks>
    public static async Task<RssSample> MeasureAsync(ServerUnderTest server, HttpClient client, int readers)
    {
        // Ten responses that sit before their first token for ten minutes: their readers get response.created
        // and response.in_progress, then nothing but keep-alive comments.
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await BackgroundResponses.CreateAsync(client, $"idle {i}", new() { ["synthetic_ttft_ms"] = "600000", ["synthetic_output_tokens"] = "1" }));
        }

        await Task.Delay(1_000);
        var before = server.ResidentBytes;
        var open = new List<(HttpResponseMessage Response, Stream Body)>(readers);
        for (var batch = 0; batch < readers; batch += 250)
        {
            var opened = await Task.WhenAll(Enumerable.Range(batch, Math.Min(250, readers - batch)).Select(async i =>
            {
                var response = await client.GetAsync($"v1/responses/{ids[i % ids.Count]}?stream=true", HttpCompletionOption.ResponseHeadersRead);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[4096];
                _ = await body.ReadAsync(buffer);
                return (response, body);
            }));
            open.AddRange(opened);
        }

        await Task.Delay(2_000);
        var after = server.ResidentBytes;
        foreach (var (response, body) in open)
        {
            await body.DisposeAsync();
            response.Dispose();
        }

        foreach (var id in ids)
        {
            await client.PostAsync($"v1/responses/{id}/cancel", null);
        }

        return new RssSample(open.Count, before, after);
    }

    /// <summary>
    /// The same number of plain idle keep-alive connections (one <c>GET /healthz</c> each, then nothing), over raw
    /// sockets: Kestrel's own cost per connection, the floor under any idle reader's.
    /// </summary>
    public static async Task<RssSample> MeasureKeepAliveAsync(ServerUnderTest server, int connections)
    {
        var request = Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        var buffer = new byte[4096];
        await Task.Delay(1_000);
        var before = server.ResidentBytes;
        var sockets = new List<Socket>(connections);
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
                await socket.SendAsync(request);
                _ = await socket.ReceiveAsync(buffer);
            }

            await Task.Delay(2_000);
            return new RssSample(sockets.Count, before, server.ResidentBytes);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
