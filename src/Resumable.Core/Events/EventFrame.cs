namespace Resumable.Core.Events;

/// <summary>
/// One event of a response, already encoded as a complete SSE frame
/// (<c>id: N\nevent: T\ndata: {json}\n\n</c>). The frame is encoded once by the sequencer and the same
/// bytes go to live readers, the write-ahead log and replays. Instances are immutable.
/// </summary>
public sealed class EventFrame
{
    private readonly byte[] _bytes;

    /// <summary>Wraps encoded frame bytes; the array must not be changed afterwards.</summary>
    public EventFrame(long sequenceNumber, string type, byte[] bytes)
    {
        SequenceNumber = sequenceNumber;
        Type = type;
        _bytes = bytes;

        // Derived once: every reader checks it for every frame it writes.
        IsTerminal = ResponseEventTypes.IsTerminal(type);
    }

    /// <summary>
    /// Rebuilds a frame read back from storage: copies its bytes and takes its type from the <c>event:</c> line
    /// (as the shared constant when it is a known type). Recovery and cold replay only; never the live path.
    /// </summary>
    public static EventFrame FromStored(long sequenceNumber, ReadOnlySpan<byte> bytes)
    {
        var start = bytes.IndexOf("\nevent: "u8) + "\nevent: "u8.Length;
        var end = bytes[start..].IndexOf((byte)'\n');
        var type = System.Text.Encoding.UTF8.GetString(bytes.Slice(start, end));
        return new EventFrame(sequenceNumber, Array.Find(ResponseEventTypes.All, known => known == type) ?? type, bytes.ToArray());
    }

    /// <summary>The event's <c>sequence_number</c>, also its SSE <c>id</c>.</summary>
    public long SequenceNumber { get; }

    /// <summary>The event type, e.g. <c>response.output_text.delta</c>.</summary>
    public string Type { get; }

    /// <summary>The complete SSE frame, including the terminating blank line.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>The JSON of the <c>data:</c> line (for inspection and recovery; the streaming path never reads it).</summary>
    public ReadOnlySpan<byte> Data
    {
        get
        {
            var bytes = _bytes.AsSpan();
            var start = bytes.IndexOf("\ndata: "u8) + "\ndata: "u8.Length;
            return bytes[start..^2];
        }
    }

    /// <summary>Whether this event ends its response.</summary>
    public bool IsTerminal { get; }
}
