using System.Text;

namespace Resumable.Server.Tests.Endpoints;

/// <summary>One generated malformed request: what to send and what its answer must be.</summary>
/// <param name="Kind">The family of malformation, for the run's summary (e.g. <c>create/surrogate</c>).</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The path and query, relative to the server's base address.</param>
/// <param name="Headers">Request headers, sent without validation (values may hold any Latin-1 character).</param>
/// <param name="Body">The request body, or null for none.</param>
/// <param name="ContentType">The body's declared Content-Type, or null for none.</param>
/// <param name="Chunked">Send the body without a Content-Length.</param>
/// <param name="ExpectedStatus">The one status the answer must have, when the malformation decides it; null for any 4xx.</param>
internal sealed record FuzzCase(
    string Kind,
    HttpMethod Method,
    string Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[]? Body,
    string? ContentType,
    bool Chunked,
    int? ExpectedStatus)
{
    /// <summary>The request as text for a failure report, long parts cut.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append($"[{Kind}] {Method} {Cut(Target, 300)}");
        foreach (var (name, value) in Headers)
        {
            text.Append($" | {name}: {Cut(value, 120)}");
        }

        if (ContentType is not null)
        {
            text.Append($" | Content-Type: {ContentType}");
        }

        if (Body is not null)
        {
            text.Append($" | {Body.Length} bytes{(Chunked ? ", chunked" : "")}: ");
            foreach (var b in Body.AsSpan(0, Math.Min(Body.Length, 400)))
            {
                text.Append(b is >= 0x20 and < 0x7F ? (char)b : $"\\x{b:X2}");
            }

            if (Body.Length > 400)
            {
                text.Append('…');
            }
        }

        return text.ToString();
    }

    private static string Cut(string value, int length) => value.Length <= length ? value : $"{value[..length]}… ({value.Length} chars)";
}
