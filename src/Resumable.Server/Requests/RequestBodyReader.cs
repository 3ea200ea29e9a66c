using System.Buffers;

namespace Resumable.Server.Requests;

/// <summary>Reads a request body into one buffer, refusing bodies over a limit whether or not they declare a length.</summary>
internal static class RequestBodyReader
{
    /// <summary>The body bytes, or null when it exceeds <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, 16 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == rented.Length)
                {
                    if (length > limit)
                    {
                        return null;
                    }

                    var grown = ArrayPool<byte>.Shared.Rent(Math.Min(limit + 1, rented.Length * 2));
                    rented.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(rented);
                    rented = grown;
                }

                var read = await request.Body.ReadAsync(rented.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return length > limit ? null : rented.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
