using System.Net;
using System.Net.Sockets;
using System.Text;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Streaming;

[CollectionDefinition(nameof(MemoryMeasurements), DisableParallelization = true)]
public sealed class MemoryMeasurements;

[Collection(nameof(MemoryMeasurements))]
public class StalledReaderTests(ITestOutputHelper output)
{
    private const int StalledReaders = 10;

    // The stated bound per stalled reader: one flush batch (MaxFlushBytes, 64 KiB) plus the server's response
    // buffer (64 KiB), with generous room for socket and connection bookkeeping.
    private const long BoundPerStalledReader = 1024 * 1024;

    [Fact]
    public async Task StalledReaders_SlowNeitherTheProducerNorOtherReaders_AndHoldBoundedMemory()
    {
        await using var factory = new ResumableAppFactory();
        var client = factory.CreateApiClient();
        await MeasureAsync(client, factory.Port, stalledReaders: 0, "warm up");

        var (withoutStalled, logBytes) = await MeasureAsync(client, factory.Port, stalledReaders: 0, "a big response");
        var (withStalled, _) = await MeasureAsync(client, factory.Port, StalledReaders, "a big response");

        var perStalledReader = (withStalled - withoutStalled) / StalledReaders;
        output.WriteLine($"response log {logBytes:N0} bytes; heap growth {withoutStalled:N0} bytes without stalled readers, {withStalled:N0} with {StalledReaders}: {perStalledReader:N0} per stalled reader");
        Assert.True(perStalledReader < BoundPerStalledReader, $"each stalled reader held {perStalledReader:N0} bytes of a {logBytes:N0}-byte response");
    }

    // Streams one large unpaced response to a normal reader while stalledReaders clients never read; returns
    // the managed heap growth it left behind (the retained response included) and the size of its log.
    private static async Task<(long Growth, long LogBytes)> MeasureAsync(HttpClient client, int port, int stalledReaders, string input)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var id = await client.CreateBackgroundAsync(input, ResponsesApi.Synthetic(20_000, tokensPerSecond: 40_000));
        var stalled = new List<Socket>();
        try
        {
            for (var i = 0; i < stalledReaders; i++)
            {
                stalled.Add(await OpenStalledStreamAsync(port, id));
            }

            var reading = ReadCountingAsync(client, id);
            var final = await client.WaitForTerminalAsync(id, TimeSpan.FromSeconds(60));
            var (count, bytes, lastEvent, contiguous) = await reading.WaitAsync(TimeSpan.FromSeconds(60));

            // The producer finished and the normal reader got every event while the stalled ones held back.
            Assert.Equal("completed", final.GetProperty("status").GetString());
            Assert.Equal("response.completed", lastEvent);
            Assert.True(contiguous);
            Assert.True(count > 20_000);
            return (GC.GetTotalMemory(forceFullCollection: true) - baseline, bytes);
        }
        finally
        {
            foreach (var socket in stalled)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task<(int Count, long Bytes, string? LastEvent, bool Contiguous)> ReadCountingAsync(HttpClient client, string id)
    {
        var (response, reader) = await client.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            var count = 0;
            var bytes = 0L;
            string? last = null;
            var contiguous = true;
            while (await reader.ReadEventAsync() is { } frame)
            {
                contiguous &= frame.SequenceNumber == count;
                count++;
                bytes += frame.Raw.Length;
                last = frame.Event;
            }

            return (count, bytes, last, contiguous);
        }
    }

    // A client that sends its request and then never reads: the server's writes to it back up.
    private static async Task<Socket> OpenStalledStreamAsync(int port, string id)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var request = $"GET /v1/responses/{id}?stream=true HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {TestKeys.TenantA}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return socket;
    }
}
