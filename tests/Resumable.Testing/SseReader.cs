namespace Resumable.Testing;

/// <summary>Reads SSE blocks from a response body byte by byte as they arrive, keeping the exact bytes of each.</summary>
public sealed class SseReader(Stream body) : IAsyncDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly List<byte> _pending = [];
    private int _start;
    private int _end;

    /// <summary>The next block (comments included), or null when the stream ended.</summary>
    public async Task<SseFrame?> ReadBlockAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (_start < _end)
            {
                var b = _buffer[_start++];
                _pending.Add(b);
                var n = _pending.Count;
                if (b == (byte)'\n' && n >= 2 && _pending[n - 2] == (byte)'\n')
                {
                    var raw = _pending.ToArray();
                    _pending.Clear();
                    return new SseFrame(raw);
                }
            }

            _start = 0;
            _end = await body.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            if (_end == 0)
            {
                return null;
            }
        }
    }

    /// <summary>The next event, skipping comments; null at the end of the stream.</summary>
    public async Task<SseFrame?> ReadEventAsync(CancellationToken cancellationToken = default)
    {
        while (await ReadBlockAsync(cancellationToken).ConfigureAwait(false) is { } block)
        {
            if (!block.IsComment)
            {
                return block;
            }
        }

        return null;
    }

    /// <summary>Every remaining event until the stream ends.</summary>
    public async Task<List<SseFrame>> ReadToEndAsync(CancellationToken cancellationToken = default)
    {
        var frames = new List<SseFrame>();
        while (await ReadEventAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public ValueTask DisposeAsync() => body.DisposeAsync();
}
