using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Resumable.Core.Events;

/// <summary>
/// Encodes one event as an SSE frame: <c>id: N</c>, <c>event: T</c>, one single-line <c>data:</c> JSON whose
/// <c>type</c> equals the event name, and a blank line. Not thread-safe: one encoder per thread
/// (<see cref="ForCurrentThread"/>), reused across frames so that only the final exact-size array is allocated.
/// </summary>
public sealed class SseFrameEncoder
{
    /// <summary>Non-ASCII text goes out as raw UTF-8 (as OpenAI does); the writer never emits a newline.</summary>
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = false,
    };

    [ThreadStatic]
    private static SseFrameEncoder? _current;

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    private SseFrameEncoder() => _writer = new Utf8JsonWriter(_buffer, WriterOptions);

    /// <summary>The encoder of the calling thread.</summary>
    public static SseFrameEncoder ForCurrentThread => _current ??= new SseFrameEncoder();

    /// <summary>
    /// Starts a frame: writes the <c>id</c> and <c>event</c> lines and opens the JSON object with its
    /// <c>type</c> and <c>sequence_number</c>. Write the remaining fields to the returned writer, then call <see cref="Finish"/>.
    /// </summary>
    public Utf8JsonWriter Begin(long sequenceNumber, string type)
    {
        _buffer.ResetWrittenCount();
        WriteAscii("id: "u8);
        var span = _buffer.GetSpan(20);
        Utf8Formatter.TryFormat(sequenceNumber, span, out var written);
        _buffer.Advance(written);
        WriteAscii("\nevent: "u8);
        var typeSpan = _buffer.GetSpan(type.Length);
        _buffer.Advance(System.Text.Encoding.UTF8.GetBytes(type, typeSpan));
        WriteAscii("\ndata: "u8);

        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, type);
        _writer.WriteNumber("sequence_number"u8, sequenceNumber);
        return _writer;
    }

    /// <summary>Closes the JSON object and the frame and returns it as an exact-size array.</summary>
    public byte[] Finish()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        WriteAscii("\n\n"u8);
        return _buffer.WrittenSpan.ToArray();
    }

    private void WriteAscii(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.GetSpan(bytes.Length));
        _buffer.Advance(bytes.Length);
    }
}
