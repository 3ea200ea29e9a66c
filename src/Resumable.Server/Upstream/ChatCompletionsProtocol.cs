using System.Buffers;
using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Upstream;

/// <summary>
/// Chat Completions, streamed (<c>POST /chat/completions</c>, <c>stream: true</c>, usage through
/// <c>stream_options.include_usage</c>): instructions as a first system message, the input messages, <c>temperature</c>,
/// <c>top_p</c> and <c>max_output_tokens</c> as <c>max_tokens</c> (which every compatible server takes). A chunk's
/// <c>choices[0].delta.content</c> is a delta; <c>finish_reason</c> ends the output (<c>length</c> and
/// <c>content_filter</c> stopping short); the usage chunk that follows carries the counts.
/// </summary>
internal sealed class ChatCompletionsProtocol : IUpstreamProtocol
{
    public string Path => "/chat/completions";

    public byte[] WriteRequest(ResponseRequest request, string upstreamModel)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, upstreamModel);
            writer.WriteStartArray("messages"u8);
            if (!string.IsNullOrEmpty(request.Instructions))
            {
                UpstreamJson.WriteMessage(writer, "system", request.Instructions);
            }

            foreach (var message in request.Input)
            {
                UpstreamJson.WriteMessage(writer, message.Role, string.Concat(message.Parts.Select(static part => part.Text)));
            }

            writer.WriteEndArray();
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
            UpstreamJson.WriteSampling(writer, request, "max_tokens"u8);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public UpstreamChunk Parse(ReadOnlyMemory<byte> data, UpstreamText decoder)
    {
        using var document = JsonDocument.Parse(data);
        var root = UpstreamJson.Object(document);
        if (UpstreamJson.ErrorMessage(root) is { } error)
        {
            return new UpstreamChunk(null, false, null, null, null, error);
        }

        byte[]? content = null;
        string? finish = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
                && delta.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String)
            {
                content = decoder.Decode(text);
            }

            if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
            {
                finish = reason.GetString();
            }
        }

        int? prompt = null, completion = null;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            prompt = UpstreamJson.Int(usage, "prompt_tokens");
            completion = UpstreamJson.Int(usage, "completion_tokens");
        }

        var incomplete = finish switch
        {
            "length" => "max_output_tokens",
            "content_filter" => "content_filter",
            _ => null,
        };
        return new UpstreamChunk(content, finish is not null, incomplete, prompt, completion, null);
    }
}
