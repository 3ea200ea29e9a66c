using System.Text.Json;

namespace Resumable.Server.Upstream;

/// <summary>What one Chat Completions streaming chunk says: a content delta, a finish reason, usage, or an error.</summary>
/// <param name="Content">The UTF-8 text of <c>choices[0].delta.content</c>, or null.</param>
/// <param name="FinishReason"><c>choices[0].finish_reason</c>, or null.</param>
/// <param name="PromptTokens"><c>usage.prompt_tokens</c>, or null.</param>
/// <param name="CompletionTokens"><c>usage.completion_tokens</c>, or null.</param>
/// <param name="Error"><c>error.message</c> of an error sent in the stream, or null.</param>
internal readonly record struct ChatCompletionChunk(byte[]? Content, string? FinishReason, int? PromptTokens, int? CompletionTokens, string? Error)
{
    /// <summary>Reads a chunk; throws <see cref="JsonException"/> when it is not JSON.</summary>
    public static ChatCompletionChunk Parse(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A chunk is not a JSON object.");
        }

        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : error.GetRawText();
            return new ChatCompletionChunk(null, null, null, null, message ?? "unknown error");
        }

        byte[]? content = null;
        string? finish = null;
        if (root.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var choice = choices[0];
            if (choice.TryGetProperty("delta", out var delta) && delta.ValueKind == JsonValueKind.Object
                && delta.TryGetProperty("content", out var text) && text.ValueKind == JsonValueKind.String)
            {
                content = System.Text.Encoding.UTF8.GetBytes(text.GetString()!);
            }

            if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
            {
                finish = reason.GetString();
            }
        }

        int? prompt = null, completion = null;
        if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            prompt = usage.TryGetProperty("prompt_tokens", out var p) && p.TryGetInt32(out var pv) ? pv : null;
            completion = usage.TryGetProperty("completion_tokens", out var c) && c.TryGetInt32(out var cv) ? cv : null;
        }

        return new ChatCompletionChunk(content, finish, prompt, completion, null);
    }
}
