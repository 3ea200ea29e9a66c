using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Endpoints;

/// <summary>Writes an input message as OpenAI's <c>input_items</c> list returns it.</summary>
internal static class InputItemWriter
{
    public static void Write(Utf8JsonWriter writer, InputMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, message.Id);
        writer.WriteString("type"u8, "message"u8);
        writer.WriteString("role"u8, message.Role);
        writer.WriteString("status"u8, "completed"u8);
        writer.WriteStartArray("content"u8);
        foreach (var part in message.Parts)
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, part.Type);
            writer.WriteString("text"u8, part.Text);
            if (part.Type == "output_text")
            {
                writer.WriteStartArray("annotations"u8);
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
