using System.Text;

namespace Resumable.Cli.Streaming;

/// <summary>
/// Reads Server-Sent Events off a stream. An event is handed out only once its closing blank line arrived, so an
/// event cut off by a dropped connection is never seen (its sender will send it again after the resume).
/// </summary>
internal sealed class SseEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false, bufferSize: 16 * 1024);

    /// <summary>The next whole event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? id = null;
        string? type = null;
        StringBuilder? data = null;
        while (await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null || type is not null)
                {
                    return new SseEvent(id, type ?? "message", data?.ToString() ?? "");
                }

                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "id":
                    id = value;
                    break;
                case "event":
                    type = value;
                    break;
                case "data":
                    data = data is null ? new StringBuilder(value) : data.Append('\n').Append(value);
                    break;
            }
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();
}
