using System.Security.Cryptography;

namespace Resumable.Core.Responses;

/// <summary>Creates and checks response identifiers: <c>resp_</c> followed by 32 lowercase hex digits (128 random bits).</summary>
public static class ResponseId
{
    /// <summary>The prefix every response id starts with.</summary>
    public const string Prefix = "resp_";

    private const int RandomBytes = 16;

    /// <summary>Returns a new unguessable id drawn from the operating system's cryptographic random source.</summary>
    public static string New() => NewWithPrefix(Prefix);

    /// <summary>Returns <paramref name="prefix"/> followed by 128 random bits in hex, for ids of other objects (messages, items).</summary>
    public static string NewWithPrefix(string prefix)
    {
        Span<byte> bytes = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(bytes);
        return string.Concat(prefix, Convert.ToHexStringLower(bytes));
    }
}
