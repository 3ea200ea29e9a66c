using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Resumable.Server.Upstream;

/// <summary>
/// The text deltas of one upstream stream, as UTF-8. A character outside the Basic Multilingual Plane (an emoji) can
/// come as a surrogate pair escaped in JSON and split across two deltas (<c>"\ud83d"</c>, then <c>"\ude80"</c>):
/// each half alone is not a string .NET can read, so the high half is held back and joined to the next delta. A half
/// that never finds its partner becomes U+FFFD, as invalid UTF-8 does elsewhere.
/// </summary>
internal sealed class UpstreamText
{
    private char _heldHighSurrogate;

    /// <summary>The UTF-8 bytes of the JSON string <paramref name="delta"/>, with a surrogate half held from the last one.</summary>
    public byte[] Decode(JsonElement delta)
    {
        string text;
        try
        {
            text = delta.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Only a string holding a lone surrogate escape gets here.
            text = UnescapeLeniently(delta.GetRawText());
        }

        if (_heldHighSurrogate != '\0')
        {
            text = _heldHighSurrogate + text;
            _heldHighSurrogate = '\0';
        }

        if (text.Length > 0 && char.IsHighSurrogate(text[^1]))
        {
            _heldHighSurrogate = text[^1];
            text = text[..^1];
        }

        // The encoder replaces any surrogate still alone with U+FFFD.
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>What is still held at the end of the stream: U+FFFD for a high surrogate that no delta completed.</summary>
    public byte[] Flush()
    {
        if (_heldHighSurrogate == '\0')
        {
            return [];
        }

        _heldHighSurrogate = '\0';
        return "\uFFFD"u8.ToArray();
    }

    // A JSON string literal (with its quotes) to UTF-16, keeping lone surrogate escapes as the code units they name.
    private static string UnescapeLeniently(string literal)
    {
        var text = new StringBuilder(literal.Length);
        for (var i = 1; i < literal.Length - 1; i++)
        {
            var c = literal[i];
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            c = literal[++i];
            switch (c)
            {
                case 'u':
                    text.Append((char)ushort.Parse(literal.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 4;
                    break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                default: text.Append(c); break; // \" \\ \/
            }
        }

        return text.ToString();
    }
}
