using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Upstream;

/// <summary>The JSON pieces both upstream protocols share.</summary>
internal static class UpstreamJson
{
    public static void WriteMessage(Utf8JsonWriter writer, string role, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        writer.WriteString("content"u8, content);
        writer.WriteEndObject();
    }

    public static void WriteSampling(Utf8JsonWriter writer, ResponseRequest request, ReadOnlySpan<byte> maxTokensName)
    {
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
            writer.WriteNumber(maxTokensName, maxTokens);
        }
    }

    public static JsonElement Object(JsonDocument document) =>
        document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement : throw new JsonException("An event is not a JSON object.");

    /// <summary>The message of an <c>error</c> object in <paramref name="element"/>, or null when it has none.</summary>
    public static string? ErrorMessage(JsonElement element) =>
        element.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            ? error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString() : error.GetRawText()
            : null;

    public static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;
}
