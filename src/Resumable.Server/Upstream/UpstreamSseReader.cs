using System.Buffers;

namespace Resumable.Server.Upstream;

/// <summary>
/// Reads the <c>data:</c> payloads of an upstream's Server-Sent Events stream as bytes, line by line, so that a
/// character split across network reads is only ever decoded whole (by the JSON reader, from a complete line).
/// Each read waits at most the timeout it is given, on the server's clock: an upstream that goes silent is noticed,
/// not waited for.
/// </summary>
internal sealed class UpstreamSseReader : IDisposable
{
    private readonly Stream _stream;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _timeout = new();
    private readonly CancellationTokenSource _read;
    private readonly ITimer _timer;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;

    public UpstreamSseReader(Stream stream, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _stream = stream;
        _cancellationToken = cancellationToken;
        // One timer from the server's clock, moved before each read, rather than a timer per read.
        _timer = timeProvider.CreateTimer(static state => ((CancellationTokenSource)state!).Cancel(), _timeout, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timeout.Token);
    }

    /// <summary>Whether the last read ended because the upstream was silent for its whole timeout.</summary>
    public bool TimedOut => _timeout.IsCancellationRequested && !_cancellationToken.IsCancellationRequested;

    /// <summary>The payload of the next <c>data:</c> line, or false at the end of the stream. Valid until the next call.</summary>
    public async ValueTask<(bool Found, ReadOnlyMemory<byte> Data)> ReadDataAsync(TimeSpan timeout)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = _buffer.AsMemory(_start, newline - _start);
                _start = newline + 1;
                if (line.Length > 0 && line.Span[^1] == (byte)'\r')
                {
                    line = line[..^1];
                }

                if (line.Span.StartsWith("data:"u8))
                {
                    var data = line[5..];
                    return (true, data.Length > 0 && data.Span[0] == (byte)' ' ? data[1..] : data);
                }

                // Comments, event names, ids and the blank lines between events carry nothing we need.
                continue;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), _read.Token).ConfigureAwait(false);
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (read == 0)
            {
                return (false, default);
            }

            _end += read;
        }
    }

    /// <summary>
    /// Reads on to the end of the stream after the last event (a well-behaved upstream ends it at once), so that the
    /// connection is back in the pool when the response ends and the next request finds it; a body disposed before
    /// its end is drained in the background, and a request sent meanwhile opens a connection of its own. Gives up,
    /// quietly, after <paramref name="bound"/> of silence.
    /// </summary>
    public async ValueTask DrainAsync(TimeSpan bound)
    {
        try
        {
            while ((await ReadDataAsync(bound).ConfigureAwait(false)).Found)
            {
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException && !_cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _read.Dispose();
        _timeout.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
