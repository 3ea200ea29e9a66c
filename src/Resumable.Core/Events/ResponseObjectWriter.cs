using System.Buffers;
using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Core.Events;

/// <summary>
/// Writes the OpenAI <c>response</c> object of an entry as it stands. Callers hold the entry's
/// <see cref="ResponseEntry.Gate"/> so the object is a consistent snapshot.
/// </summary>
internal static class ResponseObjectWriter
{
    /// <summary>The object as it stands, as UTF-8 JSON; takes the entry's lock for a consistent snapshot.</summary>
    public static byte[] Serialize(ResponseEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using var writer = new Utf8JsonWriter(buffer, SseFrameEncoder.WriterOptions);
        lock (entry.Gate)
        {
            Write(writer, entry);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the object as a JSON value (the caller positions the writer, e.g. after a property name).</summary>
    public static void Write(Utf8JsonWriter writer, ResponseEntry entry)
    {
        var request = entry.Request;
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.Id);
        writer.WriteString("object"u8, "response"u8);
        writer.WriteNumber("created_at"u8, entry.CreatedAt.ToUnixTimeSeconds());
        writer.WriteString("status"u8, entry.Status.ToWireName());
        writer.WriteBoolean("background"u8, request.Background);
        if (entry.CompletedAt is { } completedAt)
        {
            writer.WriteNumber("completed_at"u8, completedAt.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNull("completed_at"u8);
        }

        if (entry.Error is { } error)
        {
            writer.WriteStartObject("error"u8);
            writer.WriteString("code"u8, error.Code);
            writer.WriteString("message"u8, error.Message);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("error"u8);
        }

        if (entry.IncompleteReason is { } reason)
        {
            writer.WriteStartObject("incomplete_details"u8);
            writer.WriteString("reason"u8, reason);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("incomplete_details"u8);
        }

        WriteNullableString(writer, "instructions"u8, request.Instructions);
        WriteNullableNumber(writer, "max_output_tokens"u8, request.MaxOutputTokens);
        writer.WriteString("model"u8, request.Model);
        writer.WritePropertyName("output"u8);
        writer.WriteStartArray();
        if (entry.OutputStarted)
        {
            WriteMessageItem(writer, entry, includeContent: true);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("parallel_tool_calls"u8, true);
        writer.WriteNull("previous_response_id"u8);
        writer.WriteStartObject("reasoning"u8);
        writer.WriteNull("effort"u8);
        writer.WriteNull("summary"u8);
        writer.WriteEndObject();
        writer.WriteBoolean("store"u8, request.Store);
        writer.WriteNumber("temperature"u8, request.Temperature ?? 1.0);
        writer.WriteStartObject("text"u8);
        writer.WriteStartObject("format"u8);
        writer.WriteString("type"u8, "text"u8);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteString("tool_choice"u8, "auto"u8);
        writer.WriteStartArray("tools"u8);
        writer.WriteEndArray();
        writer.WriteNumber("top_p"u8, request.TopP ?? 1.0);
        writer.WriteString("truncation"u8, "disabled"u8);
        WriteUsage(writer, entry);
        WriteNullableString(writer, "user"u8, request.User);
        writer.WriteStartObject("metadata"u8);
        foreach (var (key, value) in request.Metadata)
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes the assistant message item; without content for <c>output_item.added</c>.</summary>
    public static void WriteMessageItem(Utf8JsonWriter writer, ResponseEntry entry, bool includeContent)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.ItemId);
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("status"u8, MessageStatus(entry));
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteStartArray("content"u8);
        if (includeContent)
        {
            WriteTextPart(writer, entry);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the <c>output_text</c> part with the text so far.</summary>
    public static void WriteTextPart(Utf8JsonWriter writer, ResponseEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "output_text"u8);
        WriteOutputText(writer, "text"u8, entry);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs"u8);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the output text so far under <paramref name="name"/> without copying it to a string.</summary>
    public static void WriteOutputText(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ResponseEntry entry)
    {
        var text = entry.OutputText;
        if (text.Length == 0)
        {
            writer.WriteString(name, ReadOnlySpan<char>.Empty);
            return;
        }

        // StringBuilder chunks may split a surrogate pair, so the text is written in one piece.
        writer.WriteString(name, text.ToString());
    }

    private static string MessageStatus(ResponseEntry entry) => entry.OutputFinished
        ? "completed"
        : entry.Status.IsTerminal() ? "incomplete" : "in_progress";

    private static void WriteUsage(Utf8JsonWriter writer, ResponseEntry entry)
    {
        if (!entry.Status.IsTerminal())
        {
            writer.WriteNull("usage"u8);
            return;
        }

        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, entry.InputTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, entry.OutputTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, entry.InputTokens + entry.OutputTokens);
        writer.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
