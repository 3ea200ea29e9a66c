using System.Globalization;
using System.Text.Json;

namespace Resumable.Cli.Output;

/// <summary>How values of the wire format read in tables.</summary>
internal static class Formats
{
    /// <summary>A Unix-milliseconds time as UTC, or a dash.</summary>
    public static string Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
            ? DateTimeOffset.FromUnixTimeMilliseconds(value.GetInt64()).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : "-";

    /// <summary>Any JSON scalar as text, null as a dash.</summary>
    public static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        _ => value.GetRawText(),
    };

    /// <summary>A property's value as text, a dash when it is missing.</summary>
    public static string Field(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? Scalar(value) : "-";

    public static string Milliseconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
