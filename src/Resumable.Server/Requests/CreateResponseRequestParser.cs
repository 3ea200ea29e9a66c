using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Requests;

/// <summary>
/// Validates a <c>POST /v1/responses</c> body by hand, so that every problem becomes an OpenAI error naming
/// its parameter (model binding would answer malformed input with its own shape). Unknown fields are ignored.
/// </summary>
internal static class CreateResponseRequestParser
{
    private const int MaxMetadataPairs = 16;
    private const int MaxMetadataKeyLength = 64;
    private const int MaxMetadataValueLength = 512;
    private static readonly string[] Roles = ["user", "assistant", "system", "developer"];

    /// <summary>Parses <paramref name="body"/>; on failure returns null and describes the problem.</summary>
    public static ResponseRequest? Parse(ReadOnlyMemory<byte> body, out RequestError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException ex)
        {
            error = new RequestError(null, $"We could not parse the JSON body of your request: {ex.Message}", "invalid_json");
            return null;
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (RequestErrorException ex)
            {
                error = ex.Error;
                return null;
            }
        }
    }

    private static ResponseRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(null, $"The request body must be a JSON object, not {Describe(root.ValueKind)}.", "invalid_type");
        }

        var model = RequiredString(root, "model");
        if (model.Length == 0)
        {
            throw Invalid("model", "'model' must not be empty.", "invalid_value");
        }

        var background = OptionalBool(root, "background") ?? false;
        var store = OptionalBool(root, "store") ?? true;
        if (background && !store)
        {
            throw Invalid("store", "Background mode requires 'store' to be true.", "invalid_value");
        }

        return new ResponseRequest
        {
            Model = model,
            Input = ReadInput(root),
            Instructions = OptionalString(root, "instructions"),
            Background = background,
            Stream = OptionalBool(root, "stream") ?? false,
            Store = store,
            Metadata = ReadMetadata(root),
            MaxOutputTokens = OptionalInt(root, "max_output_tokens", 1, 1_000_000),
            Temperature = OptionalNumber(root, "temperature", 0, 2),
            TopP = OptionalNumber(root, "top_p", 0, 1),
            User = OptionalString(root, "user"),
        };
    }

    private static List<InputMessage> ReadInput(JsonElement root)
    {
        if (!root.TryGetProperty("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            throw Invalid("input", "Missing required parameter: 'input'.", "missing_required_parameter");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return [new InputMessage(ResponseId.NewWithPrefix("msg_"), "user", [new InputTextPart("input_text", input.GetString()!)])];
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("input", $"Invalid type for 'input': expected a string or an array of input items, but got {Describe(input.ValueKind)} instead.", "invalid_type");
        }

        var messages = new List<InputMessage>();
        var index = 0;
        foreach (var item in input.EnumerateArray())
        {
            messages.Add(ReadMessage(item, $"input[{index}]"));
            index++;
        }

        return messages;
    }

    private static InputMessage ReadMessage(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, $"Invalid type for '{path}': expected an object, but got {Describe(item.ValueKind)} instead.", "invalid_type");
        }

        var type = OptionalString(item, "type", path) ?? "message";
        if (type != "message")
        {
            throw Invalid($"{path}.type", $"Unsupported input item type '{type}'; this service accepts 'message' items.", "invalid_value");
        }

        var role = RequiredString(item, "role", path);
        if (!Roles.Contains(role))
        {
            throw Invalid($"{path}.role", $"Invalid value for '{path}.role': '{role}'. Supported values are: {string.Join(", ", Roles.Select(r => $"'{r}'"))}.", "invalid_value");
        }

        if (!item.TryGetProperty("content", out var content))
        {
            throw Invalid($"{path}.content", $"Missing required parameter: '{path}.content'.", "missing_required_parameter");
        }

        var id = OptionalString(item, "id", path) ?? ResponseId.NewWithPrefix("msg_");
        if (content.ValueKind == JsonValueKind.String)
        {
            return new InputMessage(id, role, [new InputTextPart(role == "assistant" ? "output_text" : "input_text", content.GetString()!)]);
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{path}.content", $"Invalid type for '{path}.content': expected a string or an array of content parts, but got {Describe(content.ValueKind)} instead.", "invalid_type");
        }

        var parts = new List<InputTextPart>();
        var index = 0;
        foreach (var part in content.EnumerateArray())
        {
            var partPath = $"{path}.content[{index}]";
            if (part.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(partPath, $"Invalid type for '{partPath}': expected an object, but got {Describe(part.ValueKind)} instead.", "invalid_type");
            }

            var partType = RequiredString(part, "type", partPath);
            if (partType is not ("input_text" or "output_text"))
            {
                throw Invalid($"{partPath}.type", $"Unsupported content part type '{partType}'; this service accepts 'input_text' and 'output_text'.", "invalid_value");
            }

            parts.Add(new InputTextPart(partType, RequiredString(part, "text", partPath)));
            index++;
        }

        return new InputMessage(id, role, parts);
    }

    private static Dictionary<string, string> ReadMetadata(JsonElement root)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!root.TryGetProperty("metadata", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return metadata;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("metadata", $"Invalid type for 'metadata': expected an object, but got {Describe(element.ValueKind)} instead.", "invalid_type");
        }

        foreach (var property in element.EnumerateObject())
        {
            if (metadata.Count == MaxMetadataPairs)
            {
                throw Invalid("metadata", $"'metadata' may hold at most {MaxMetadataPairs} pairs.", "invalid_value");
            }

            if (property.Name.Length > MaxMetadataKeyLength)
            {
                throw Invalid("metadata", $"Metadata keys may be at most {MaxMetadataKeyLength} characters; '{property.Name[..16]}…' has {property.Name.Length}.", "invalid_value");
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"metadata.{property.Name}", $"Invalid type for 'metadata.{property.Name}': expected a string, but got {Describe(property.Value.ValueKind)} instead.", "invalid_type");
            }

            var value = property.Value.GetString()!;
            if (value.Length > MaxMetadataValueLength)
            {
                throw Invalid($"metadata.{property.Name}", $"Metadata values may be at most {MaxMetadataValueLength} characters; 'metadata.{property.Name}' has {value.Length}.", "invalid_value");
            }

            metadata[property.Name] = value;
        }

        return metadata;
    }

    private static string RequiredString(JsonElement parent, string name, string? path = null) =>
        OptionalString(parent, name, path) ?? throw Invalid(Join(path, name), $"Missing required parameter: '{Join(path, name)}'.", "missing_required_parameter");

    private static string? OptionalString(JsonElement parent, string name, string? path = null)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw WrongType(Join(path, name), "a string", value.ValueKind);
    }

    private static bool? OptionalBool(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(name, "a boolean", value.ValueKind),
        };
    }

    private static int? OptionalInt(JsonElement parent, string name, int min, int max)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw WrongType(name, "an integer", value.ValueKind);
        }

        return number >= min && number <= max
            ? number
            : throw Invalid(name, $"Invalid '{name}': integer below minimum value or above maximum value. Expected a value from {min} to {max}, but got {number} instead.", "invalid_value");
    }

    private static double? OptionalNumber(JsonElement parent, string name, double min, double max)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(name, "a number", value.ValueKind);
        }

        var number = value.GetDouble();
        return number >= min && number <= max
            ? number
            : throw Invalid(name, $"Invalid '{name}': expected a value from {min} to {max}, but got {number} instead.", "invalid_value");
    }

    private static string Join(string? path, string name) => path is null ? name : $"{path}.{name}";

    private static RequestErrorException WrongType(string param, string expected, JsonValueKind actual) =>
        Invalid(param, $"Invalid type for '{param}': expected {expected}, but got {Describe(actual)} instead.", "invalid_type");

    private static RequestErrorException Invalid(string? param, string message, string code) => new(new RequestError(param, message, code));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // Validation failures unwind the recursive reader in one step; they never escape Parse.
    private sealed class RequestErrorException(RequestError error) : Exception(error.Message)
    {
        public RequestError Error { get; } = error;
    }
}

/// <summary>A rejected request: the parameter, the message and the error code of the 400 answer.</summary>
internal sealed record RequestError(string? Param, string Message, string Code);
