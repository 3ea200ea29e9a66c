using System.Text.Json;
using Resumable.Core.Responses;

namespace Resumable.Server.Requests;

/// <summary>
/// Validates a <c>POST /v1/responses</c> body by hand, so that every problem becomes an OpenAI error naming
/// its parameter (model binding would answer malformed input with its own shape). Unknown fields are ignored.
/// Every string the parser reads, value or property name, must be valid Unicode, and no object it reads may
/// name a property twice.
/// </summary>
internal static class CreateResponseRequestParser
{
    private const int MaxDepth = 32;
    private const int MaxMetadataPairs = 16;
    private const int MaxMetadataKeyLength = 64;
    private const int MaxMetadataValueLength = 512;
    private const string NotUnicodeReason =
        "is not valid Unicode: strings must not contain unpaired surrogates (such as \\ud800) or bytes that are not UTF-8.";

    private static readonly string[] Roles = ["user", "assistant", "system", "developer"];

    /// <summary>Parses <paramref name="body"/>; on failure returns null and describes the problem.</summary>
    public static ResponseRequest? Parse(ReadOnlyMemory<byte> body, out RequestError? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
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

        var fields = ReadObject(root, path: null);
        var model = RequiredString(fields, "model");
        if (model.Length == 0)
        {
            throw Invalid("model", "'model' must not be empty.", "invalid_value");
        }

        var background = OptionalBool(fields, "background") ?? false;
        var store = OptionalBool(fields, "store") ?? true;
        if (background && !store)
        {
            throw Invalid("store", "Background mode requires 'store' to be true.", "invalid_value");
        }

        return new ResponseRequest
        {
            Model = model,
            Input = ReadInput(fields),
            Instructions = OptionalString(fields, "instructions"),
            Background = background,
            Stream = OptionalBool(fields, "stream") ?? false,
            Store = store,
            Metadata = ReadMetadata(fields),
            MaxOutputTokens = OptionalInt(fields, "max_output_tokens", 1, 1_000_000),
            Temperature = OptionalNumber(fields, "temperature", 0, 2),
            TopP = OptionalNumber(fields, "top_p", 0, 1),
            User = OptionalString(fields, "user"),
        };
    }

    private static List<InputMessage> ReadInput(Dictionary<string, JsonElement> fields)
    {
        if (!fields.TryGetValue("input", out var input) || input.ValueKind == JsonValueKind.Null)
        {
            throw Invalid("input", "Missing required parameter: 'input'.", "missing_required_parameter");
        }

        if (input.ValueKind == JsonValueKind.String)
        {
            return [new InputMessage(ResponseId.NewWithPrefix("msg_"), "user", [new InputTextPart("input_text", ReadString(input, "input"))])];
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

        var fields = ReadObject(item, path);
        var type = OptionalString(fields, "type", path) ?? "message";
        if (type != "message")
        {
            throw Invalid($"{path}.type", $"Unsupported input item type '{type}'; this service accepts 'message' items.", "invalid_value");
        }

        var role = RequiredString(fields, "role", path);
        if (!Roles.Contains(role))
        {
            throw Invalid($"{path}.role", $"Invalid value for '{path}.role': '{role}'. Supported values are: {string.Join(", ", Roles.Select(r => $"'{r}'"))}.", "invalid_value");
        }

        if (!fields.TryGetValue("content", out var content))
        {
            throw Invalid($"{path}.content", $"Missing required parameter: '{path}.content'.", "missing_required_parameter");
        }

        var id = OptionalString(fields, "id", path) ?? ResponseId.NewWithPrefix("msg_");
        if (content.ValueKind == JsonValueKind.String)
        {
            return new InputMessage(id, role, [new InputTextPart(role == "assistant" ? "output_text" : "input_text", ReadString(content, $"{path}.content"))]);
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

            var partFields = ReadObject(part, partPath);
            var partType = RequiredString(partFields, "type", partPath);
            if (partType is not ("input_text" or "output_text"))
            {
                throw Invalid($"{partPath}.type", $"Unsupported content part type '{partType}'; this service accepts 'input_text' and 'output_text'.", "invalid_value");
            }

            parts.Add(new InputTextPart(partType, RequiredString(partFields, "text", partPath)));
            index++;
        }

        return new InputMessage(id, role, parts);
    }

    private static Dictionary<string, string> ReadMetadata(Dictionary<string, JsonElement> fields)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!fields.TryGetValue("metadata", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return metadata;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("metadata", $"Invalid type for 'metadata': expected an object, but got {Describe(element.ValueKind)} instead.", "invalid_type");
        }

        if (element.GetPropertyCount() > MaxMetadataPairs)
        {
            throw Invalid("metadata", $"'metadata' may hold at most {MaxMetadataPairs} pairs.", "invalid_value");
        }

        foreach (var (key, value) in ReadObject(element, "metadata"))
        {
            if (key.Length > MaxMetadataKeyLength)
            {
                throw Invalid("metadata", $"Metadata keys may be at most {MaxMetadataKeyLength} characters; '{Prefix(key)}…' has {key.Length}.", "invalid_value");
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"metadata.{key}", $"Invalid type for 'metadata.{key}': expected a string, but got {Describe(value.ValueKind)} instead.", "invalid_type");
            }

            var text = ReadString(value, $"metadata.{key}");
            if (text.Length > MaxMetadataValueLength)
            {
                throw Invalid($"metadata.{key}", $"Metadata values may be at most {MaxMetadataValueLength} characters; 'metadata.{key}' has {text.Length}.", "invalid_value");
            }

            metadata[key] = text;
        }

        return metadata;
    }

    /// <summary>
    /// The properties of an object the parser reads, by name, each name decoded like any other string. A name that
    /// appears twice is refused: which of the two values a reader takes differs between JSON libraries.
    /// </summary>
    private static Dictionary<string, JsonElement> ReadObject(JsonElement element, string? path)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = ReadName(property, path);
            if (!fields.TryAdd(name, property.Value))
            {
                var param = Join(path, name);
                throw Invalid(param, $"Duplicate parameter '{param}': each property of a JSON object may appear only once.", "duplicate_parameter");
            }
        }

        return fields;
    }

    private static string RequiredString(Dictionary<string, JsonElement> fields, string name, string? path = null) =>
        OptionalString(fields, name, path) ?? throw Invalid(Join(path, name), $"Missing required parameter: '{Join(path, name)}'.", "missing_required_parameter");

    private static string? OptionalString(Dictionary<string, JsonElement> fields, string name, string? path = null)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? ReadString(value, Join(path, name))
            : throw WrongType(Join(path, name), "a string", value.ValueKind);
    }

    private static bool? OptionalBool(Dictionary<string, JsonElement> fields, string name)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
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

    private static int? OptionalInt(Dictionary<string, JsonElement> fields, string name, int min, int max)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw WrongType(name, "an integer", value.ValueKind);
        }

        if (!value.TryGetInt32(out var number))
        {
            // An integer literal too large for 32 bits is out of range, not of the wrong type.
            var text = value.GetRawText();
            throw text.AsSpan().IndexOfAny(".eE") < 0
                ? OutOfRange(name, min, max, text)
                : WrongType(name, "an integer", value.ValueKind);
        }

        return number >= min && number <= max
            ? number
            : throw OutOfRange(name, min, max, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static double? OptionalNumber(Dictionary<string, JsonElement> fields, string name, double min, double max)
    {
        if (!fields.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
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
            : throw Invalid(name, $"Invalid '{name}': expected a value from {min} to {max}, but got {value.GetRawText()} instead.", "invalid_value");
    }

    private static string ReadString(JsonElement value, string param) =>
        Decode(static element => element.GetString()!, value, param, isName: false);

    private static string ReadName(JsonProperty property, string? objectPath) =>
        Decode(static named => named.Name, property, objectPath, isName: true);

    // Every string the parser reads, value or property name, is decoded here. System.Text.Json checks neither escapes
    // nor the bytes inside strings when it parses, only when it turns a string into UTF-16: an unpaired surrogate
    // (\ud800, \udfff) or bytes that are not UTF-8 then throw InvalidOperationException (documented on
    // Utf8JsonReader.GetString), which would reach the exception handler as a 500. Such a string could not be written
    // as UTF-8 into the response object, the SSE frames or the write-ahead log either, so it is refused here, before
    // admission.
    private static string Decode<T>(Func<T, string> read, T source, string? param, bool isName)
    {
        try
        {
            return read(source);
        }
        catch (InvalidOperationException)
        {
            var message = (isName, param) switch
            {
                (false, _) => $"Invalid value for '{param}': the string {NotUnicodeReason}",
                (true, null) => $"A property name in the request body {NotUnicodeReason}",
                (true, _) => $"A property name in '{param}' {NotUnicodeReason}",
            };
            throw Invalid(param, message, "invalid_value");
        }
    }

    // Cuts a key for an error message without splitting a surrogate pair.
    private static string Prefix(string key) => key[..(char.IsHighSurrogate(key[15]) ? 15 : 16)];

    private static string Join(string? path, string name) => path is null ? name : $"{path}.{name}";

    private static RequestErrorException WrongType(string param, string expected, JsonValueKind actual) =>
        Invalid(param, $"Invalid type for '{param}': expected {expected}, but got {Describe(actual)} instead.", "invalid_type");

    private static RequestErrorException OutOfRange(string param, int min, int max, string actual) =>
        Invalid(param, $"Invalid '{param}': integer below minimum value or above maximum value. Expected a value from {min} to {max}, but got {actual} instead.", "invalid_value");

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
