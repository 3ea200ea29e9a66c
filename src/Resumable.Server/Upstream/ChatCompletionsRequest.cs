using System.Buffers;
using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Upstream;

/// <summary>
/// The Chat Completions request for a response: its instructions as a system message, its input messages, and
/// <c>temperature</c>, <c>top_p</c> and <c>max_output_tokens</c> (as <c>max_tokens</c>, which every compatible server
/// takes), streamed with usage (<c>stream_options.include_usage</c>).
/// </summary>
internal static class ChatCompletionsRequest
{
    public static byte[] Write(ResponseRequest request, string upstreamModel)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, upstreamModel);
            writer.WriteStartArray("messages"u8);
            if (!string.IsNullOrEmpty(request.Instructions))
            {
                WriteMessage(writer, "system", request.Instructions);
            }

            foreach (var message in request.Input)
            {
                WriteMessage(writer, message.Role, string.Concat(message.Parts.Select(static part => part.Text)));
            }

            writer.WriteEndArray();
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
            if (request.Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, temperature);
            }

            if (request.TopP is { } topP)
            {
                writer.WriteNumber("top_p"u8, topP);
            }

            if (request.MaxOutputTokens is { } maxTokens)
            {
                writer.WriteNumber("max_tokens"u8, maxTokens);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        writer.WriteString("content"u8, content);
        writer.WriteEndObject();
    }
}
