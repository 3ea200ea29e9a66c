using System.Runtime.CompilerServices;
using System.Text.Json;
using Resumable.Core.Events;

namespace Resumable.Core.Entries;

/// <summary>
/// Writes the fields of each event after <c>type</c> and <c>sequence_number</c>, in OpenAI's shape, from the
/// entry's state as sequenced. Called by the sequencer under the entry's lock, so snapshots agree with the event order.
/// </summary>
internal static class ResponseEventPayloads
{
    /// <summary>The wire type of an event kind.</summary>
    public static string TypeOf(ResponseEventKind kind) => kind switch
    {
        ResponseEventKind.Created => ResponseEventTypes.Created,
        ResponseEventKind.Queued => ResponseEventTypes.Queued,
        ResponseEventKind.InProgress => ResponseEventTypes.InProgress,
        ResponseEventKind.OutputItemAdded => ResponseEventTypes.OutputItemAdded,
        ResponseEventKind.ContentPartAdded => ResponseEventTypes.ContentPartAdded,
        ResponseEventKind.OutputTextDelta => ResponseEventTypes.OutputTextDelta,
        ResponseEventKind.OutputTextDone => ResponseEventTypes.OutputTextDone,
        ResponseEventKind.ContentPartDone => ResponseEventTypes.ContentPartDone,
        ResponseEventKind.OutputItemDone => ResponseEventTypes.OutputItemDone,
        ResponseEventKind.Completed => ResponseEventTypes.Completed,
        ResponseEventKind.Failed => ResponseEventTypes.Failed,
        ResponseEventKind.Incomplete => ResponseEventTypes.Incomplete,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Whether the kind ends the response.</summary>
    public static bool IsTerminal(ResponseEventKind kind) => kind >= ResponseEventKind.Completed;

    /// <summary>
    /// Encodes one event as its complete SSE frame, the bytes every reader and the WAL share (the sequencer's
    /// one encoding per event).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EventFrame EncodeFrame(long sequenceNumber, ResponseEventKind kind, ResponseEntry entry, string? delta)
    {
        var type = TypeOf(kind);
        var encoder = SseFrameEncoder.ForCurrentThread;
        WriteFields(encoder.Begin(sequenceNumber, type), kind, entry, delta);
        return new EventFrame(sequenceNumber, type, encoder.Finish());
    }

    /// <summary>Writes the kind's fields; <paramref name="delta"/> is used by text deltas only.</summary>
    public static void WriteFields(Utf8JsonWriter writer, ResponseEventKind kind, ResponseEntry entry, string? delta)
    {
        switch (kind)
        {
            case ResponseEventKind.Created:
            case ResponseEventKind.Queued:
            case ResponseEventKind.InProgress:
            case ResponseEventKind.Completed:
            case ResponseEventKind.Failed:
            case ResponseEventKind.Incomplete:
                writer.WritePropertyName("response"u8);
                ResponseObjectWriter.Write(writer, entry, entry.Current);
                break;
            case ResponseEventKind.OutputItemAdded:
            case ResponseEventKind.OutputItemDone:
                writer.WriteNumber("output_index"u8, 0);
                writer.WritePropertyName("item"u8);
                ResponseObjectWriter.WriteMessageItem(writer, entry, entry.Current, includeContent: kind == ResponseEventKind.OutputItemDone);
                break;
            case ResponseEventKind.ContentPartAdded:
            case ResponseEventKind.ContentPartDone:
                WritePartAddress(writer, entry);
                writer.WritePropertyName("part"u8);
                ResponseObjectWriter.WriteTextPart(writer, entry, entry.Current);
                break;
            case ResponseEventKind.OutputTextDelta:
                WritePartAddress(writer, entry);
                writer.WriteString("delta"u8, delta);
                writer.WriteStartArray("logprobs"u8);
                writer.WriteEndArray();
                break;
            case ResponseEventKind.OutputTextDone:
                WritePartAddress(writer, entry);
                ResponseObjectWriter.WriteOutputText(writer, "text"u8, entry, entry.Current);
                writer.WriteStartArray("logprobs"u8);
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static void WritePartAddress(Utf8JsonWriter writer, ResponseEntry entry)
    {
        writer.WriteString("item_id"u8, entry.ItemId);
        writer.WriteNumber("output_index"u8, 0);
        writer.WriteNumber("content_index"u8, 0);
    }
}
