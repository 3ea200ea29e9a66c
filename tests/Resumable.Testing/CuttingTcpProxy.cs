using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Resumable.Testing;

/// <summary>
/// A loopback TCP proxy that cuts the first connection whose request asks for a stream (<c>stream=true</c> in its
/// first bytes) once <c>cutAfterBytes</c> of the answer have passed, the way a dropped mobile connection or a
/// restarted proxy would; every other connection passes untouched. It records the <c>Last-Event-ID</c> header of
/// every stream request. Disposing stops it and closes every connection.
/// </summary>
public sealed class CuttingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly int _cutAfterBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string?> _lastEventIds = [];
    private readonly Task _accepting;
    private int _cut;

    public CuttingTcpProxy(Uri target, int cutAfterBytes)
    {
        _target = target;
        _cutAfterBytes = cutAfterBytes;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Its base address.</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Whether a stream was cut.</summary>
    public bool HasCut => Volatile.Read(ref _cut) == 2;

    /// <summary>The <c>Last-Event-ID</c> of each stream request, in order (null when absent).</summary>
    public IReadOnlyList<string?> LastEventIds
    {
        get
        {
            lock (_lastEventIds)
            {
                return [.. _lastEventIds];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(RelayAsync(client));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var cut = new CutState();
                var up = CopyUpAsync(client.GetStream(), server.GetStream(), cut, connection.Token);
                var down = CopyDownAsync(server.GetStream(), client.GetStream(), cut, connection.Token);
                await Task.WhenAny(up, down);
                if (cut.Armed)
                {
                    Volatile.Write(ref _cut, 2);
                }

                await connection.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    // Requests may follow each other on one kept-alive connection (a page, then its EventSource): each is looked at.
    private async Task CopyUpAsync(Stream from, Stream to, CutState cut, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            var text = Encoding.ASCII.GetString(buffer, 0, read);
            if (text.Contains("stream=true", StringComparison.Ordinal) && Note(text) && Interlocked.CompareExchange(ref _cut, 1, 0) == 0)
            {
                cut.Armed = true;
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private async Task CopyDownAsync(Stream from, Stream to, CutState cut, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long passed = 0;
        while (!cut.Armed || passed < _cutAfterBytes)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            // Once the stream request has passed, only what is left of the allowance goes through; the rest is dropped with the connection.
            var allowed = cut.Armed ? (int)Math.Min(read, _cutAfterBytes - passed) : read;
            await to.WriteAsync(buffer.AsMemory(0, allowed), cancellationToken);
            if (cut.Armed)
            {
                passed += allowed;
            }
        }
    }

    private sealed class CutState
    {
        private volatile bool _armed;

        public bool Armed
        {
            get => _armed;
            set => _armed = value;
        }
    }

    private bool Note(string head)
    {
        string? lastEventId = null;
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Last-Event-ID:", StringComparison.OrdinalIgnoreCase))
            {
                lastEventId = line["Last-Event-ID:".Length..].Trim();
            }
        }

        lock (_lastEventIds)
        {
            _lastEventIds.Add(lastEventId);
        }

        return true;
    }
}
