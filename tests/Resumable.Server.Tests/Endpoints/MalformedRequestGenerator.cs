using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

/// <summary>
/// Generates malformed requests over every endpoint from one <see cref="Random"/>, so a seed reproduces a run.
/// Create bodies are mutations of a random valid request: a field dropped, retyped, given a bad value or a string
/// that is not valid Unicode, duplicated, nested too deep, or the text truncated or broken. Every generated request
/// is malformed for sure (no mutation can repair an earlier one), so none may be admitted.
/// </summary>
/// <remarks>
/// Bodies are built as <see cref="JsonNode"/> trees; what such a tree cannot hold (unpaired surrogate escapes, bytes
/// that are not UTF-8, a property named twice, 1e400, nesting past the parser's limit) goes in as a marker string
/// that the serialized text swaps for raw bytes.
/// </remarks>
internal sealed partial class MalformedRequestGenerator(Random random, string seedId)
{
    private const int ParserMaxDepth = 32;
    private const int MaxRequestBodyBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] BadEscapes =
        [@"\ud800", @"\udfff", @"\udbff", @"\udc00", @"\uD800", @"\ude00\ud83d", @"\ud800\u0041", @"\ud800\ud800", @"\udbff\udbff\udfff", @"\ud83d"];

    private static readonly byte[][] BadUtf8 =
        [[0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC3], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xF4, 0x90, 0x80, 0x80]];

    private static readonly string[] RawBadIntegers = ["0", "-1", "1000001", "3.5", "1e400", "-1e400", "99999999999999999999", "-2147483649", "2147483648", "-0", "1.0", "1E+999", "0.0001"];

    private static readonly string[] Words = ["hello", "résumé", "日本語", "emoji 😀", "line\nbreak", "tab\tquote\"", "null", "", "synthetic", "<script>", "\u0000zero"];

    private readonly List<byte[]> _raw = [];

    /// <summary>The next malformed request.</summary>
    public FuzzCase Next()
    {
        _raw.Clear();
        return random.Next(100) switch
        {
            < 55 => CreateCase(),
            < 67 => RetrieveCase(),
            < 73 => CancelOrDeleteCase(),
            < 79 => InputItemsCase(),
            < 86 => ListCase(),
            < 95 => AdminCase(),
            _ => UnknownRouteCase(),
        };
    }

    // ---- POST /v1/responses ----

    private FuzzCase CreateCase()
    {
        var request = ValidRequest();
        string kind;
        string? auth = TenantAuth();
        var contentType = Pick("application/json", "application/json; charset=utf-8", "application/vnd.api+json", null);
        int? expected = null;
        byte[] body;
        var chunked = false;

        var choice = random.Next(100);
        if (choice < 62)
        {
            // One mutation of the tree; sometimes a second that overwrites a value, which leaves the request invalid.
            var slots = Slots(request);
            kind = MutateTree(request, slots, allowStructural: true);
            if (random.Next(4) == 0)
            {
                kind += "+" + MutateTree(request, slots, allowStructural: false);
            }

            body = Serialize(request);
        }
        else if (choice < 80)
        {
            (kind, body) = MutateText(Serialize(request));
        }
        else if (choice < 86)
        {
            (kind, body) = NotAnObject(request);
        }
        else if (choice < 91)
        {
            kind = "create/content-type";
            body = Serialize(request);
            contentType = Pick("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "garbage", ";;;", "application/json-seq", "text/json-ish", "*/*", "application/");
            expected = 400;
        }
        else if (choice < 96)
        {
            kind = "create/auth";
            body = Serialize(request);
            auth = BadAuth(forAdmin: false);
            expected = 401;
        }
        else
        {
            kind = "create/too-large";
            request["input"] = new string('x', MaxRequestBodyBytes + random.Next(1, 256 * 1024));
            body = Serialize(request);
            chunked = random.Next(2) == 0;
            expected = 413;
        }

        return new FuzzCase(kind, HttpMethod.Post, "v1/responses", Headers(auth), body, contentType, chunked, expected);
    }

    private JsonObject ValidRequest()
    {
        var fields = new List<KeyValuePair<string, JsonNode?>>
        {
            new("model", "synthetic"),
            new("input", random.Next(3) == 0 ? Word() : Messages()),
        };

        var background = random.Next(2) == 0;
        if (background || random.Next(2) == 0)
        {
            fields.Add(new("background", background));
        }

        if (background ? random.Next(2) == 0 : random.Next(3) == 0)
        {
            fields.Add(new("store", background || random.Next(2) == 0));
        }

        AddSometimes(fields, "stream", () => random.Next(2) == 0);
        AddSometimes(fields, "instructions", () => Word());
        AddSometimes(fields, "user", () => $"user-{random.Next(1000)}");
        AddSometimes(fields, "max_output_tokens", () => random.Next(1, 1000));
        AddSometimes(fields, "temperature", () => Math.Round(random.NextDouble() * 2, 2));
        AddSometimes(fields, "top_p", () => Math.Round(random.NextDouble(), 2));
        AddSometimes(fields, "metadata", () =>
        {
            var metadata = new JsonObject();
            for (var i = random.Next(5); i > 0; i--)
            {
                metadata[$"key{i}"] = Word();
            }

            if (random.Next(2) == 0)
            {
                metadata["synthetic_output_tokens"] = random.Next(1, 20).ToString(CultureInfo.InvariantCulture);
            }

            return metadata;
        });

        // Fields the service ignores, valid or not, which must not change the answer.
        AddSometimes(fields, "tools", () => new JsonArray());
        AddSometimes(fields, "previous_response_id", () => null);
        AddSometimes(fields, "reasoning", () => new JsonObject { ["effort"] = "low" });
        AddSometimes(fields, $"x_unknown_{random.Next(100)}", () => new JsonArray(1, "two", new JsonObject { ["three"] = 3 }));

        var request = new JsonObject();
        foreach (var field in fields.OrderBy(_ => random.Next()))
        {
            request[field.Key] = field.Value;
        }

        return request;
    }

    private JsonArray Messages()
    {
        var messages = new JsonArray();
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var message = new JsonObject { ["role"] = Pick("user", "assistant", "system", "developer") };
            if (random.Next(2) == 0)
            {
                message["content"] = Word();
            }
            else
            {
                var parts = new JsonArray();
                for (var p = random.Next(1, 4); p > 0; p--)
                {
                    parts.Add(new JsonObject { ["type"] = Pick("input_text", "output_text"), ["text"] = Word() });
                }

                message["content"] = parts;
            }

            if (random.Next(3) == 0)
            {
                message["type"] = "message";
            }

            if (random.Next(3) == 0)
            {
                message["id"] = $"msg_{random.Next():x}";
            }

            messages.Add(message);
        }

        return messages;
    }

    /// <summary>A place in the request the parser reads: a property of an object, or an element of an array.</summary>
    private sealed record Slot(string Path, SlotKind Kind, JsonNode Parent, string? Key, int Index)
    {
        public void Set(JsonNode? value)
        {
            if (Key is not null)
            {
                Parent.AsObject()[Key] = value;
            }
            else
            {
                Parent.AsArray()[Index] = value;
            }
        }
    }

    private enum SlotKind
    {
        Model,
        Input,
        FreeString,
        Bool,
        MaxOutputTokens,
        Temperature,
        TopP,
        Metadata,
        MetadataValue,
        Item,
        Role,
        ItemType,
        Content,
        Part,
        PartType,
        PartText,
    }

    private static List<Slot> Slots(JsonObject request)
    {
        var slots = new List<Slot>();
        foreach (var (name, value) in request.ToList())
        {
            var kind = name switch
            {
                "model" => SlotKind.Model,
                "input" => SlotKind.Input,
                "instructions" or "user" => SlotKind.FreeString,
                "background" or "stream" or "store" => SlotKind.Bool,
                "max_output_tokens" => SlotKind.MaxOutputTokens,
                "temperature" => SlotKind.Temperature,
                "top_p" => SlotKind.TopP,
                "metadata" => SlotKind.Metadata,
                _ => (SlotKind?)null,
            };
            if (kind is { } k)
            {
                slots.Add(new Slot(name, k, request, name, 0));
            }

            if (name == "metadata" && value is JsonObject metadata)
            {
                slots.AddRange(metadata.Select(pair => new Slot($"metadata.{pair.Key}", SlotKind.MetadataValue, metadata, pair.Key, 0)));
            }

            if (name == "input" && value is JsonArray items)
            {
                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i]!.AsObject();
                    var path = $"input[{i}]";
                    slots.Add(new Slot(path, SlotKind.Item, items, null, i));
                    slots.Add(new Slot($"{path}.role", SlotKind.Role, item, "role", 0));
                    slots.Add(new Slot($"{path}.type", SlotKind.ItemType, item, "type", 0));
                    slots.Add(new Slot($"{path}.id", SlotKind.FreeString, item, "id", 0));
                    slots.Add(new Slot($"{path}.content", SlotKind.Content, item, "content", 0));
                    if (item["content"] is JsonArray parts)
                    {
                        for (var p = 0; p < parts.Count; p++)
                        {
                            var part = parts[p]!.AsObject();
                            var partPath = $"{path}.content[{p}]";
                            slots.Add(new Slot(partPath, SlotKind.Part, parts, null, p));
                            slots.Add(new Slot($"{partPath}.type", SlotKind.PartType, part, "type", 0));
                            slots.Add(new Slot($"{partPath}.text", SlotKind.PartText, part, "text", 0));
                        }
                    }
                }
            }
        }

        return slots;
    }

    private string MutateTree(JsonObject request, List<Slot> slots, bool allowStructural)
    {
        var roll = random.Next(allowStructural ? 100 : 60);
        var slot = slots[random.Next(slots.Count)];
        if (roll < 20)
        {
            slot.Set(WrongType(slot.Kind));
            return "create/retype";
        }

        if (roll < 38 && BadValue(request, slot))
        {
            return "create/bad-value";
        }

        if (roll < 60)
        {
            slot = StringSlot(slots);
            var bad = random.Next(5) == 0 ? BadUtf8[random.Next(BadUtf8.Length)] : Encoding.ASCII.GetBytes(BadEscapes[random.Next(BadEscapes.Length)]);
            slot.Set(RawString(bad));
            return bad[0] == (byte)'\\' ? "create/surrogate" : "create/utf8";
        }

        if (roll < 68)
        {
            BadName(request, slots);
            return "create/bad-name";
        }

        if (roll < 78)
        {
            DropRequired(request, slots);
            return "create/drop";
        }

        if (roll < 90)
        {
            Duplicate(slots);
            return "create/duplicate";
        }

        // Nesting past the parser's depth, in any value, read or ignored.
        var depth = random.Next(ParserMaxDepth, 400);
        var nested = random.Next(2) == 0
            ? string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth))
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + string.Concat(Enumerable.Repeat("}", depth));
        if (random.Next(2) == 0)
        {
            slot.Set(Raw(Encoding.ASCII.GetBytes(nested)));
        }
        else
        {
            request[$"x_deep_{random.Next(100)}"] = Raw(Encoding.ASCII.GetBytes(nested));
        }

        return "create/deep";
    }

    private JsonNode? WrongType(SlotKind kind)
    {
        // Candidates by JSON kind; each slot excludes the kinds it accepts (and null where null means "absent").
        var candidates = new List<Func<JsonNode?>>();
        bool Accepts(string jsonKind) => (kind, jsonKind) switch
        {
            (SlotKind.Model or SlotKind.FreeString or SlotKind.Role or SlotKind.ItemType or SlotKind.PartType or SlotKind.PartText or SlotKind.MetadataValue, "string") => true,
            (SlotKind.FreeString or SlotKind.ItemType, "null") => true,
            (SlotKind.Bool, "bool") => true,
            (SlotKind.Bool or SlotKind.MaxOutputTokens or SlotKind.Temperature or SlotKind.TopP or SlotKind.Metadata, "null") => true,
            (SlotKind.MaxOutputTokens or SlotKind.Temperature or SlotKind.TopP, "number") => true,
            (SlotKind.Metadata or SlotKind.Item or SlotKind.Part, "object") => true,
            (SlotKind.Input or SlotKind.Content, "string" or "array") => true,
            _ => false,
        };

        if (!Accepts("string"))
        {
            candidates.Add(() => Pick("text", "true", "10", "", "null"));
        }

        if (!Accepts("number"))
        {
            candidates.Add(() => Pick<JsonNode>(0, -1, 42, 3.5, 1e300));
        }

        if (!Accepts("bool"))
        {
            candidates.Add(() => random.Next(2) == 0);
        }

        if (!Accepts("array"))
        {
            candidates.Add(() => random.Next(2) == 0 ? new JsonArray() : new JsonArray(1, "a", null));
        }

        if (!Accepts("object"))
        {
            candidates.Add(() => random.Next(2) == 0 ? new JsonObject() : new JsonObject { ["a"] = 1 });
        }

        if (!Accepts("null"))
        {
            candidates.Add(() => null);
        }

        return candidates[random.Next(candidates.Count)]();
    }

    private bool BadValue(JsonObject request, Slot slot)
    {
        switch (slot.Kind)
        {
            case SlotKind.Model:
                slot.Set(random.Next(6) == 0 ? new string('m', random.Next(1_000, 200_000)) : Pick("", "no-such-model", "Synthetic", " synthetic", "synthetic ", "gpt-4o"));
                return true;
            case SlotKind.Role:
                slot.Set(Pick("robot", "", "USER", "tool", "user "));
                return true;
            case SlotKind.ItemType:
                slot.Set(Pick("function_call", "", "Message", "input_text"));
                return true;
            case SlotKind.PartType:
                slot.Set(Pick("input_image", "", "text", "INPUT_TEXT", "refusal"));
                return true;
            case SlotKind.MaxOutputTokens:
                slot.Set(Raw(Encoding.ASCII.GetBytes(RawBadIntegers[random.Next(RawBadIntegers.Length)])));
                return true;
            case SlotKind.Temperature:
                slot.Set(Raw(Encoding.ASCII.GetBytes(Pick("-0.1", "2.0001", "3", "1e400", "-1e400", "-5"))));
                return true;
            case SlotKind.TopP:
                slot.Set(Raw(Encoding.ASCII.GetBytes(Pick("-0.01", "1.5", "1e999", "2"))));
                return true;
            case SlotKind.Bool:
                request["background"] = true;
                request["store"] = false;
                return true;
            case SlotKind.Metadata or SlotKind.MetadataValue:
                request["metadata"] = BadMetadata();
                return true;
            default:
                return false;
        }
    }

    private JsonObject BadMetadata()
    {
        var metadata = new JsonObject();
        switch (random.Next(4))
        {
            case 0:
                for (var i = random.Next(17, 40); i > 0; i--)
                {
                    metadata[$"k{i}"] = "v";
                }

                break;
            case 1:
                metadata[new string('k', random.Next(65, 300))] = "v";
                break;
            case 2:
                metadata["k"] = new string('v', random.Next(513, 100_000));
                break;
            default:
                var (key, value) = Pick(
                    ("synthetic_output_tokens", "0"), ("synthetic_output_tokens", "abc"), ("synthetic_output_tokens", "1e9"), ("synthetic_output_tokens", "NaN"),
                    ("synthetic_ttft_ms", "-1"), ("synthetic_ttft_ms", "600001"), ("synthetic_tokens_per_second", "Infinity"),
                    ("synthetic_fail_at_token", "x"), ("synthetic_emit_timestamps", "maybe"), ("synthetic_emit_timestamps", "1"));
                metadata[key] = value;
                break;
        }

        return metadata;
    }

    private Slot StringSlot(List<Slot> slots)
    {
        // Strings the parser reads; an input or content given as a string is one too.
        var strings = slots.Where(s => s.Kind is SlotKind.Model or SlotKind.FreeString or SlotKind.Role or SlotKind.ItemType
            or SlotKind.PartType or SlotKind.PartText or SlotKind.MetadataValue or SlotKind.Input or SlotKind.Content).ToList();
        return strings[random.Next(strings.Count)];
    }

    private void BadName(JsonObject request, List<Slot> slots)
    {
        // A property name that is not valid Unicode, in an object the parser reads.
        var objects = new List<JsonObject> { request };
        objects.AddRange(slots.Where(s => s.Kind is SlotKind.Item or SlotKind.Part).Select(s => s.Parent.AsArray()[s.Index]!.AsObject()));
        var metadata = request["metadata"] as JsonObject;
        if (metadata is not null)
        {
            objects.Add(metadata);
        }

        var target = objects[random.Next(objects.Count)];
        var bad = random.Next(5) == 0 ? BadUtf8[random.Next(BadUtf8.Length)] : Encoding.ASCII.GetBytes(BadEscapes[random.Next(BadEscapes.Length)]);
        target[RawName(bad)] = target == metadata ? "v" : Pick<JsonNode>(1, "x", true);
    }

    private void DropRequired(JsonObject request, List<Slot> slots)
    {
        var required = new List<(JsonObject Parent, string Key)> { (request, "model"), (request, "input") };
        foreach (var slot in slots)
        {
            if (slot.Kind is SlotKind.Role or SlotKind.Content or SlotKind.PartType or SlotKind.PartText)
            {
                required.Add((slot.Parent.AsObject(), slot.Key!));
            }
        }

        var (parent, key) = required[random.Next(required.Count)];
        parent.Remove(key);
    }

    private void Duplicate(List<Slot> slots)
    {
        // The same name again, spelled plainly or with an escape, with a value that may even be identical.
        var owners = slots.Where(s => s.Key is not null && s.Parent is JsonObject parent && parent.ContainsKey(s.Key)).ToList();
        var slot = owners[random.Next(owners.Count)];
        var parent = slot.Parent.AsObject();
        var name = slot.Key!;
        var spelled = random.Next(2) == 0 ? name : $"\\u{(int)name[0]:x4}{name[1..]}";
        var value = random.Next(2) == 0 ? parent[name]?.DeepClone() : WrongType(slot.Kind);
        parent[RawName(Encoding.UTF8.GetBytes(spelled))] = value;
    }

    private (string Kind, byte[] Body) MutateText(byte[] valid)
    {
        switch (random.Next(6))
        {
            case 0:
                // Every proper prefix of a compact object lacks its closing brace.
                return ("create/truncated", valid[..random.Next(1, valid.Length)]);
            case 1:
                return ("create/trailing-comma", [.. valid[..^1], .. ","u8, .. valid[^1..]]);
            case 2:
                return ("create/trailing-text", [.. valid, .. Encoding.UTF8.GetBytes(Pick("x", "}", "{}", ",{}", " []", "\u0000"))]);
            case 3:
                return ("create/comment", [.. "{/* note */"u8, .. valid[1..]]);
            case 4:
                return ("create/bad-token", [.. "{"u8, .. Encoding.UTF8.GetBytes(Pick("model2:1,", "'model':'synthetic',", "\"x\":NaN,", "\"x\":undefined,", "\"x\":01,", "\"x\":.5,", "\"x\"=1,", "\"x\":\"\\q\",", "\"x\":\"\\u12\",")), .. valid[1..]]);
            default:
                // A quote is lost: strings no longer pair up.
                var quotes = Enumerable.Range(0, valid.Length).Where(i => valid[i] == (byte)'"' && (i == 0 || valid[i - 1] != (byte)'\\')).ToList();
                var drop = quotes[random.Next(quotes.Count)];
                return ("create/lost-quote", [.. valid[..drop], .. valid[(drop + 1)..]]);
        }
    }

    private (string Kind, byte[] Body) NotAnObject(JsonObject request) => random.Next(8) switch
    {
        0 => ("create/empty", []),
        1 => ("create/whitespace", Encoding.ASCII.GetBytes(new string(' ', random.Next(1, 100)))),
        2 => ("create/not-json", Encoding.UTF8.GetBytes(Pick("not json", "model=synthetic&input=hi", "<xml/>", "{{", "}", "\u00ff\u00fe"))),
        3 => ("create/random-bytes", RandomBytes(random.Next(1, 2_000))),
        4 => ("create/array-root", [.. "["u8, .. Serialize(request), .. "]"u8]),
        5 => ("create/scalar-root", Encoding.ASCII.GetBytes(Pick("\"synthetic\"", "42", "true", "null", "-1e400"))),
        6 => ("create/deep-root", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("[", random.Next(ParserMaxDepth + 1, 5_000))))),
        _ => ("create/bad-utf8-root", [.. "{\"model\":\"synthetic\",\"input\":\"hi\""u8, .. BadUtf8[random.Next(BadUtf8.Length)], .. "}"u8]),
    };

    // ---- GET /v1/responses/{id} ----

    private FuzzCase RetrieveCase()
    {
        var query = new List<string>();
        var headers = new List<KeyValuePair<string, string>>();
        string? auth = TenantAuth();
        int? expected = null;
        string id;
        var kind = "retrieve";
        if (random.Next(3) == 0)
        {
            id = JunkId();
            kind += "/odd-id";
            if (random.Next(2) == 0)
            {
                query.Add("stream=" + Pick("true", "false", "maybe"));
            }
        }
        else
        {
            // The known response: the answer is 400 only if something is wrong with the request itself.
            id = seedId;
            switch (random.Next(5))
            {
                case 0:
                    kind += "/stream-flag";
                    query.Add("stream=" + Pick("maybe", "1", "0", "yes", "no", "on", "tru", "true%2C", "%FF", "%00", "t%20rue", new string('t', random.Next(10, 5_000))));
                    break;
                case 1:
                    kind += "/stream-repeated";
                    query.Add("stream=true");
                    query.Add("stream=" + Pick("true", "false"));
                    break;
                case 2:
                    kind += "/starting-after";
                    query.Add("stream=" + Pick("true", "True", "TRUE"));
                    query.Add("starting_after=" + BadCursor());
                    if (random.Next(3) == 0)
                    {
                        // An empty header counts as absent, so the query parameter decides.
                        headers.Add(new("Last-Event-ID", ""));
                    }

                    break;
                case 3:
                    kind += "/last-event-id";
                    query.Add("stream=true");
                    if (random.Next(2) == 0)
                    {
                        query.Add("starting_after=" + Pick("0", "1", "abc"));
                    }

                    headers.Add(new("Last-Event-ID", BadHeaderCursor()));
                    break;
                default:
                    kind += "/auth";
                    auth = BadAuth(forAdmin: false);
                    expected = 401;
                    if (random.Next(2) == 0)
                    {
                        query.Add("stream=true");
                    }

                    break;
            }
        }

        AddJunkQuery(query);
        headers.AddRange(Headers(auth));
        return new FuzzCase(kind, HttpMethod.Get, $"v1/responses/{id}{QueryString(query)}", headers, null, null, false, expected);
    }

    private string BadCursor()
    {
        // Not a non-negative integer, or one beyond the last event of the known response.
        return Pick("-1", "abc", "1.5", "99999999999999999999999", "%00", "%2B1", "%201", "1e3", "0x10", "1%2C2", "%D9%A1", "9223372036854775808",
            "1000000", "9223372036854775807", "%FF", "", "-0", new string('9', random.Next(20, 3_000)), "%ED%A0%80") switch
        {
            "" => "%20",
            var value => value,
        };
    }

    private string BadHeaderCursor() =>
        // Header values lose surrounding whitespace on the way, and a NUL byte breaks HTTP itself: neither is used here.
        Pick("-1", "abc", "1.5", "99999999999999999999999", "+1", "1e3", "0x10", "1,2", "1 2", "\u00ff\u00fe", "9223372036854775808",
            "1000000", "9223372036854775807", "-0", "\u0661", new string('9', random.Next(20, 3_000)), "junk");

    // ---- POST /v1/responses/{id}/cancel, DELETE /v1/responses/{id} ----

    private FuzzCase CancelOrDeleteCase()
    {
        // Never the known response: cancelling or deleting it is a valid request.
        var id = JunkId();
        var auth = random.Next(4) == 0 ? BadAuth(forAdmin: false) : TenantAuth();
        var delete = random.Next(2) == 0;
        var body = random.Next(3) == 0 ? RandomBytes(random.Next(0, 500)) : null;
        return new FuzzCase(
            delete ? "delete" : "cancel",
            delete ? HttpMethod.Delete : HttpMethod.Post,
            delete ? $"v1/responses/{id}" : $"v1/responses/{id}/cancel",
            Headers(auth),
            body,
            body is null ? null : Pick("application/json", "text/plain"),
            false,
            null);
    }

    // ---- GET /v1/responses/{id}/input_items ----

    private FuzzCase InputItemsCase()
    {
        var query = new List<string>();
        var id = random.Next(4) == 0 ? JunkId() : seedId;
        AddBadListParameters(query, status: false);
        AddJunkQuery(query);
        return new FuzzCase("input-items", HttpMethod.Get, $"v1/responses/{id}/input_items{QueryString(query)}", Headers(TenantAuth()), null, null, false, null);
    }

    // ---- GET /v1/responses ----

    private FuzzCase ListCase()
    {
        var query = new List<string>();
        AddBadListParameters(query, status: true);
        AddJunkQuery(query);
        return new FuzzCase("list", HttpMethod.Get, $"v1/responses{QueryString(query)}", Headers(TenantAuth()), null, null, false, null);
    }

    private void AddBadListParameters(List<string> query, bool status)
    {
        // At least one bad parameter, then maybe good or bad others.
        var bad = random.Next(status ? 4 : 3);
        for (var which = 0; which < 4; which++)
        {
            var isBad = which == bad || random.Next(4) == 0;
            switch (which)
            {
                case 0 when isBad:
                    query.Add("limit=" + Pick("0", "101", "-1", "abc", "1.5", "1e2", "99999999999", "%00", "%205", "%FF", "1%2C2"));
                    break;
                case 0 when random.Next(2) == 0:
                    query.Add("limit=" + random.Next(1, 101).ToString(CultureInfo.InvariantCulture));
                    break;
                case 1 when isBad:
                    query.Add("order=" + Pick("sideways", "ASC", "Desc", "ascending", "%00", "asc%20", "-1"));
                    break;
                case 1 when random.Next(2) == 0:
                    query.Add("order=" + Pick("asc", "desc"));
                    break;
                case 2 when isBad:
                    query.Add("after=" + Uri.EscapeDataString(JunkIdText()));
                    break;
                case 3 when status && isBad:
                    query.Add("status=" + Pick("bogus", "COMPLETED", "Completed", "in%20progress", "cancel", "%FF", "%00", "1"));
                    break;
                case 3 when status && random.Next(3) == 0:
                    query.Add("status=" + Pick("completed", "queued"));
                    break;
            }
        }
    }

    // ---- /admin ----

    private FuzzCase AdminCase()
    {
        var query = new List<string>();
        string? auth = $"Bearer {TestKeys.Admin}";
        int? expected = null;
        string path;
        string kind;
        switch (random.Next(5))
        {
            case 0:
                kind = "admin/list";
                path = "admin/responses";
                AddBadListParameters(query, status: true);
                if (random.Next(2) == 0)
                {
                    query.Add("tenant=" + Uri.EscapeDataString(Pick("tenant-a", "nobody", "%", "\u00e9")));
                }

                break;
            case 1:
                kind = "admin/inspect-odd-id";
                path = $"admin/responses/{JunkId()}";
                break;
            case 2:
                kind = "admin/inspect-params";
                path = $"admin/responses/{seedId}";
                if (random.Next(2) == 0)
                {
                    query.Add("starting_after=" + Pick("-1", "abc", "1.5", "99999999999999999999", "%00", "%2B1", "1e3"));
                }
                else
                {
                    query.Add("limit=" + Pick("0", "1001", "-5", "abc", "99999999999", "%00"));
                }

                break;
            default:
                kind = "admin/auth";
                path = Pick("admin/stats", "admin/responses", $"admin/responses/{seedId}");
                auth = BadAuth(forAdmin: true);
                expected = 401;
                break;
        }

        AddJunkQuery(query);
        return new FuzzCase(kind, HttpMethod.Get, $"{path}{QueryString(query)}", Headers(auth), null, null, false, expected);
    }

    // ---- routes that do not exist ----

    private FuzzCase UnknownRouteCase()
    {
        var (method, path) = Pick(
            (HttpMethod.Put, "v1/responses"),
            (HttpMethod.Patch, $"v1/responses/{seedId}"),
            (HttpMethod.Put, $"v1/responses/{seedId}"),
            (HttpMethod.Get, $"v1/responses/{seedId}/cancel"),
            (HttpMethod.Post, $"v1/responses/{seedId}/input_items"),
            (HttpMethod.Get, "v1/responsesx"),
            (HttpMethod.Get, "v1/chat/completions"),
            (HttpMethod.Post, "v1/responses/x/y/z"),
            (HttpMethod.Delete, "admin/stats"),
            (HttpMethod.Get, "admin/nothing"),
            (HttpMethod.Options, "v1/nothing"));
        return new FuzzCase("unknown-route", method, path, Headers(TenantAuth()), null, null, false, 404);
    }

    // ---- pieces ----

    // An id no response has: odd text (escaped into the path), or raw percent-encoded junk.
    private string JunkId() => random.Next(4) == 0
        ? Pick("%ZZ", "%", "%FF%FE", "%ED%A0%80", "%C0%AF", "%2F%2E%2E%2Fadmin", "%25", "%u0041", "%E2%82", "%00", $"a%00{random.Next()}", "%0A", "%20")
        : Uri.EscapeDataString(JunkIdText());

    private string JunkIdText() => random.Next(7) switch
    {
        0 => $"resp_{random.Next():x8}{random.Next():x8}{random.Next():x8}{random.Next():x8}",
        1 => new string('a', random.Next(100, 7_000)),
        2 => new string('b', random.Next(9_000, 12_000)),
        3 => Pick("é😀", "日本語", "\u00ff", "\u200b", "résumé"),
        4 => Pick("resp_", "RESP_00000000000000000000000000000000", seedId.ToUpperInvariant(), seedId + "0", seedId[..^1], " " + seedId),
        5 => new string(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x21, 0x7F)).ToArray()),
        _ => Word() is { Length: > 0 } word ? word : "x",
    };

    private void AddJunkQuery(List<string> query)
    {
        if (random.Next(4) == 0)
        {
            query.Add(Pick("foo=bar", "x=%FF", "%00=1", "=", "&", "a", "include=%5B%5D", $"junk={new string('j', random.Next(1, 2_000))}"));
        }
    }

    private static string QueryString(List<string> query) => query.Count == 0 ? "" : "?" + string.Join('&', query);

    private string TenantAuth() => random.Next(5) == 0 ? $"Bearer {TestKeys.TenantB}" : $"Bearer {TestKeys.TenantA}";

    private string? BadAuth(bool forAdmin)
    {
        var key = forAdmin ? TestKeys.Admin : TestKeys.TenantA;
        return random.Next(16) switch
        {
            0 => null,
            1 => "",
            2 => "Bearer",
            3 => "Basic xyz",
            4 => $"Basic {Convert.ToBase64String(Encoding.ASCII.GetBytes($"user:{key}"))}",
            5 => $"Bearer {new string('k', 10_240)}",
            6 => "Bearer \u00ff\u00fe\u00e9",
            7 => $"Bearer {key}x",
            8 => $"Bearer x{key}",
            9 => $"Token {key}",
            10 => $"Bearer{key}",
            11 => $"Bearer {key[..^1]}",
            12 => forAdmin ? $"Bearer {TestKeys.TenantA}" : $"Bearer {TestKeys.Admin}",
            13 => "\u00c3\u00a9\u00c3\u00a8",
            14 => $"Bearer {key}, Bearer {key}",
            _ => new string(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (char)(random.Next(2) == 0 ? random.Next(0x20, 0x7F) : random.Next(0xA0, 0x100))).ToArray()),
        };
    }

    private static List<KeyValuePair<string, string>> Headers(string? authorization) =>
        authorization is null ? [] : [new("Authorization", authorization)];

    private void AddSometimes(List<KeyValuePair<string, JsonNode?>> fields, string name, Func<JsonNode?> value)
    {
        if (random.Next(2) == 0)
        {
            fields.Add(new(name, value()));
        }
    }

    private string Word() => Words[random.Next(Words.Length)];

    private T Pick<T>(params T[] choices) => choices[random.Next(choices.Length)];

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private JsonNode RawString(byte[] bad)
    {
        var prefix = random.Next(2) == 0 ? "" : "abc";
        var suffix = random.Next(2) == 0 ? "" : "xyz";
        return Raw([.. "\""u8, .. Encoding.ASCII.GetBytes(prefix), .. bad, .. Encoding.ASCII.GetBytes(suffix), .. "\""u8]);
    }

    private string RawName(byte[] content)
    {
        _raw.Add([.. "\""u8, .. content, .. "\""u8]);
        return Marker(_raw.Count - 1);
    }

    private JsonNode Raw(byte[] bytes)
    {
        _raw.Add(bytes);
        return JsonValue.Create(Marker(_raw.Count - 1));
    }

    private static string Marker(int index) => $"~raw{index}~";

    private byte[] Serialize(JsonObject request)
    {
        var text = request.ToJsonString(Compact);
        var output = new List<byte>(text.Length + 64);
        var last = 0;
        foreach (Match match in MarkerPattern().Matches(text))
        {
            output.AddRange(Encoding.UTF8.GetBytes(text[last..match.Index]));
            output.AddRange(_raw[int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture)]);
            last = match.Index + match.Length;
        }

        output.AddRange(Encoding.UTF8.GetBytes(text[last..]));
        return [.. output];
    }

    [GeneratedRegex("\"~raw(\\d+)~\"")]
    private static partial Regex MarkerPattern();
}
