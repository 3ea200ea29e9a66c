using System.Buffers;
using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Upstream;

/// <summary>
/// The Responses API, streamed (<c>POST /responses</c>, <c>stream: true</c>, <c>store: false</c>): instructions, the
/// input messages, <c>temperature</c>, <c>top_p</c> and <c>max_output_tokens</c> as they are. <c>response.output_text.delta</c>
/// is a delta; <c>response.completed</c> and <c>response.incomplete</c> end the output with the usage of their
/// response; <c>response.failed</c> and <c>error</c> fail it with their message.
/// </summary>
internal sealed class ResponsesProtocol : IUpstreamProtocol
{
    public string Path => "/responses";

    public byte[] WriteRequest(ResponseRequest request, string upstreamModel)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, upstreamModel);
            if (!string.IsNullOrEmpty(request.Instructions))
            {
                writer.WriteString("instructions"u8, request.Instructions);
            }

            writer.WriteStartArray("input"u8);
            foreach (var message in request.Input)
            {
                UpstreamJson.WriteMessage(writer, message.Role, string.Concat(message.Parts.Select(static part => part.Text)));
            }

            writer.WriteEndArray();
            writer.WriteBoolean("stream"u8, true);

            // This service keeps the response; the upstream need not.
            writer.WriteBoolean("store"u8, false);
            UpstreamJson.WriteSampling(writer, request, "max_output_tokens"u8);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public UpstreamChunk Parse(ReadOnlyMemory<byte> data, UpstreamText decoder)
    {
        using var document = JsonDocument.Parse(data);
        var root = UpstreamJson.Object(document);
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "response.output_text.delta":
                return root.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.String
                    ? new UpstreamChunk(decoder.Decode(delta), false, null, null, null, null)
                    : default;
            case "response.completed" or "response.incomplete":
                var response = root.TryGetProperty("response", out var r) && r.ValueKind == JsonValueKind.Object ? r : default;
                string? reason = null;
                if (type == "response.incomplete")
                {
                    reason = response.ValueKind == JsonValueKind.Object && response.TryGetProperty("incomplete_details", out var details)
                        && details.ValueKind == JsonValueKind.Object && details.TryGetProperty("reason", out var why) && why.ValueKind == JsonValueKind.String
                        ? why.GetString()
                        : "max_output_tokens";
                }

                int? input = null, output = null;
                if (response.ValueKind == JsonValueKind.Object && response.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    input = UpstreamJson.Int(usage, "input_tokens");
                    output = UpstreamJson.Int(usage, "output_tokens");
                }

                return new UpstreamChunk(null, true, reason, input, output, null);
            case "response.failed":
                var failed = root.TryGetProperty("response", out var f) && f.ValueKind == JsonValueKind.Object ? UpstreamJson.ErrorMessage(f) : null;
                return new UpstreamChunk(null, false, null, null, null, failed ?? "the upstream response failed");
            case "error":
                return new UpstreamChunk(null, false, null, null, null, root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : root.GetRawText());
            default:
                // Lifecycle events (created, in_progress, output items, parts, done) carry nothing new here.
                return UpstreamJson.ErrorMessage(root) is { } error ? new UpstreamChunk(null, false, null, null, null, error) : default;
        }
    }
}
