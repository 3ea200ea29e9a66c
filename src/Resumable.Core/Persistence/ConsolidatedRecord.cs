using System.Buffers.Binary;
using Resumable.Core.Events;

namespace Resumable.Core.Persistence;

/// <summary>
/// The payload of a <see cref="WalRecordKind.Consolidated"/> record, little-endian: the event count (int32),
/// then for each event its sequence number (int64) and frame length (int32), then the frames back to back,
/// byte for byte as they were streamed. Drawn in docs/wal-format.md; change both together.
/// </summary>
public static class ConsolidatedRecord
{
    private const int CountSize = 4;
    private const int IndexEntrySize = 12;

    /// <summary>The payload size for <paramref name="frames"/>.</summary>
    public static int PayloadLength(ReadOnlySpan<EventFrame> frames)
    {
        var length = CountSize;
        foreach (var frame in frames)
        {
            length += IndexEntrySize + frame.Bytes.Length;
        }

        return length;
    }

    /// <summary>
    /// Splits <paramref name="frames"/> into runs whose payloads stay within <paramref name="maxPayloadBytes"/>,
    /// in order. A single frame larger than that gets a run of its own.
    /// </summary>
    public static List<(int Start, int Count)> Split(ReadOnlySpan<EventFrame> frames, int maxPayloadBytes)
    {
        var runs = new List<(int Start, int Count)>();
        int start = 0, length = CountSize;
        for (var i = 0; i < frames.Length; i++)
        {
            var size = IndexEntrySize + frames[i].Bytes.Length;
            if (i > start && length + size > maxPayloadBytes)
            {
                runs.Add((start, i - start));
                start = i;
                length = CountSize;
            }

            length += size;
        }

        if (frames.Length > start)
        {
            runs.Add((start, frames.Length - start));
        }

        return runs;
    }

    /// <summary>
    /// Encodes <paramref name="frames"/> into <paramref name="destination"/>, which holds at least
    /// <see cref="PayloadLength"/> bytes (the log writer encodes straight into the log's memory).
    /// </summary>
    public static void EncodeTo(Span<byte> destination, ReadOnlySpan<EventFrame> frames)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, frames.Length);
        var index = destination[CountSize..];
        var data = destination[(CountSize + (IndexEntrySize * frames.Length))..];
        foreach (var frame in frames)
        {
            BinaryPrimitives.WriteInt64LittleEndian(index, frame.SequenceNumber);
            BinaryPrimitives.WriteInt32LittleEndian(index[8..], frame.Bytes.Length);
            index = index[IndexEntrySize..];
            frame.Bytes.Span.CopyTo(data);
            data = data[frame.Bytes.Length..];
        }
    }

    /// <summary>Decodes a payload written by <see cref="EncodeTo"/>; throws <see cref="InvalidDataException"/> when it does not add up.</summary>
    public static EventFrame[] Decode(ReadOnlySpan<byte> payload)
    {
        var count = payload.Length >= CountSize ? BinaryPrimitives.ReadInt32LittleEndian(payload) : -1;
        if (count < 0 || (long)CountSize + ((long)IndexEntrySize * count) > payload.Length)
        {
            throw new InvalidDataException($"A consolidated record of {payload.Length} bytes cannot hold {count} events.");
        }

        var frames = new EventFrame[count];
        var index = payload[CountSize..];
        var data = payload[(CountSize + (IndexEntrySize * count))..];
        for (var i = 0; i < count; i++)
        {
            var sequenceNumber = BinaryPrimitives.ReadInt64LittleEndian(index);
            var length = BinaryPrimitives.ReadInt32LittleEndian(index[8..]);
            if (length < 0 || length > data.Length)
            {
                throw new InvalidDataException($"Event {sequenceNumber} of a consolidated record claims {length} bytes; {data.Length} remain.");
            }

            frames[i] = EventFrame.FromStored(sequenceNumber, data[..length]);
            index = index[IndexEntrySize..];
            data = data[length..];
        }

        if (!data.IsEmpty)
        {
            throw new InvalidDataException($"A consolidated record has {data.Length} bytes after its last event.");
        }

        return frames;
    }
}
