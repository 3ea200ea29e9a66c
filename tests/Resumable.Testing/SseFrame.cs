using System.Text;
using System.Text.Json;

namespace Resumable.Testing;

/// <summary>One SSE block as received: its raw bytes (with the blank line) and its parsed fields.</summary>
public sealed record SseFrame(byte[] Raw)
{
    private string Text => Encoding.UTF8.GetString(Raw);

    /// <summary>Whether the block holds only comment lines (a keep-alive).</summary>
    public bool IsComment => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(line => line.StartsWith(':'));

    /// <summary>The <c>id:</c> value, or null.</summary>
    public string? Id => Field("id");

    /// <summary>The <c>event:</c> value, or null.</summary>
    public string? Event => Field("event");

    /// <summary>The <c>data:</c> value, or null.</summary>
    public string? Data => Field("data");

    /// <summary>The id as a sequence number.</summary>
    public long SequenceNumber => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The data parsed as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Data!).RootElement;

    /// <summary>Whether this is a terminal event.</summary>
    public bool IsTerminal => Event is "response.completed" or "response.failed" or "response.incomplete";

    private string? Field(string name)
    {
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith(name + ": ", StringComparison.Ordinal))
            {
                return line[(name.Length + 2)..];
            }
        }

        return null;
    }
}
