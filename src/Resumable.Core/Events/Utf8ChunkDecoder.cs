using System.Text;

namespace Resumable.Core.Events;

/// <summary>
/// Turns a generator's UTF-8 chunks into text without ever producing a broken character: the bytes of a
/// character split across chunks are held back until the character is complete (a complete 4-byte sequence
/// always decodes to both surrogates at once). Invalid bytes become U+FFFD rather than corrupting the
/// stream. One instance per response; not thread-safe.
/// </summary>
internal sealed class Utf8ChunkDecoder
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private char[] _chars = new char[256];

    /// <summary>Decodes <paramref name="chunk"/>; returns the characters completed by it (possibly empty).</summary>
    public string Decode(ReadOnlySpan<byte> chunk) => Convert(chunk, flush: false);

    /// <summary>Ends the stream: an incomplete trailing sequence becomes U+FFFD.</summary>
    public string Flush() => Convert(ReadOnlySpan<byte>.Empty, flush: true);

    private string Convert(ReadOnlySpan<byte> chunk, bool flush)
    {
        var needed = _decoder.GetCharCount(chunk, flush);
        if (needed > _chars.Length)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var count = _decoder.GetChars(chunk, _chars, flush);
        return count == 0 ? string.Empty : new string(_chars, 0, count);
    }
}
