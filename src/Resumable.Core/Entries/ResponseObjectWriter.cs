using System.Buffers;
using System.Text.Json;
using Resumable.Core.Events;
using Resumable.Core.Responses;

namespace Resumable.Core.Entries;

/// <summary>
/// Writes the OpenAI <c>response</c> object of an entry in a given <see cref="ResponseState"/>: as callers are
/// shown it (<see cref="ResponseEntry.Visible"/>), or inside an event as sequenced. Callers hold the entry's
/// <see cref="ResponseEntry.Gate"/> so the object is a consistent snapshot.
/// </summary>
public static class ResponseObjectWriter
{
    /// <summary>
    /// The object as callers are shown it (<see cref="ResponseEntry.Visible"/>), or as sequenced with
    /// <paramref name="asSequenced"/>, as UTF-8 JSON; takes the entry's lock for a consistent snapshot.
    /// </summary>
    public static byte[] Serialize(ResponseEntry entry, bool asSequenced = false)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using var writer = new Utf8JsonWriter(buffer, SseFrameEncoder.WriterOptions);
        lock (entry.Gate)
        {
            Write(writer, entry, asSequenced ? entry.Current : entry.Visible);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the object as a JSON value (the caller positions the writer, e.g. after a property name).</summary>
    public static void Write(Utf8JsonWriter writer, ResponseEntry entry, in ResponseState state)
    {
        var request = entry.Request;
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.Id);
        writer.WriteString("object"u8, "response"u8);
        writer.WriteNumber("created_at"u8, entry.CreatedAt.ToUnixTimeSeconds());
        writer.WriteString("status"u8, state.Status.ToWireName());
        writer.WriteBoolean("background"u8, request.Background);
        if (state.CompletedAt is { } completedAt)
        {
            writer.WriteNumber("completed_at"u8, completedAt.ToUnixTimeSeconds());
        }
        else
        {
            writer.WriteNull("completed_at"u8);
        }

        if (state.Error is { } error)
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

        if (state.IncompleteReason is { } reason)
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
        if (state.OutputStarted)
        {
            WriteMessageItem(writer, entry, state, includeContent: true);
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
        WriteUsage(writer, state);
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
    public static void WriteMessageItem(Utf8JsonWriter writer, ResponseEntry entry, in ResponseState state, bool includeContent)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.ItemId);
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("status"u8, MessageStatus(state));
        writer.WriteString("role"u8, "assistant"u8);
        writer.WriteStartArray("content"u8);
        if (includeContent)
        {
            WriteTextPart(writer, entry, state);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the <c>output_text</c> part with the text so far.</summary>
    public static void WriteTextPart(Utf8JsonWriter writer, ResponseEntry entry, in ResponseState state)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "output_text"u8);
        WriteOutputText(writer, "text"u8, entry, state);
        writer.WriteStartArray("annotations"u8);
        writer.WriteEndArray();
        writer.WriteStartArray("logprobs"u8);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the output text so far under <paramref name="name"/> without copying it to a string.</summary>
    public static void WriteOutputText(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ResponseEntry entry, in ResponseState state)
    {
        if (state.OutputLength == 0)
        {
            writer.WriteString(name, ReadOnlySpan<char>.Empty);
            return;
        }

        // StringBuilder chunks may split a surrogate pair, so the text is written in one piece. The state's length
        // always ends after a whole delta, and deltas are whole characters.
        writer.WriteString(name, entry.OutputText.ToString(0, state.OutputLength));
    }

    private static string MessageStatus(in ResponseState state) => state.OutputFinished
        ? "completed"
        : state.IsTerminal ? "incomplete" : "in_progress";

    private static void WriteUsage(Utf8JsonWriter writer, in ResponseState state)
    {
        if (!state.IsTerminal)
        {
            writer.WriteNull("usage"u8);
            return;
        }

        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("input_tokens"u8, state.InputTokens);
        writer.WriteStartObject("input_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteNumber("output_tokens"u8, state.OutputTokens);
        writer.WriteStartObject("output_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, 0);
        writer.WriteEndObject();
        writer.WriteNumber("total_tokens"u8, state.InputTokens + state.OutputTokens);
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
