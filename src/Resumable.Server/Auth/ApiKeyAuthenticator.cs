using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Resumable.Server.Auth;

/// <summary>Maps the bearer key of a request to its tenant, or recognises the admin key.</summary>
/// <remarks>
/// Keys are compared as SHA-256 digests, never as the keys themselves: every comparison is of two 32-byte values,
/// so its time says nothing about a key's length, and a presented key is compared with every configured key, with
/// no early exit, so the time does not say which key matched or how far down the list it is. The digests of the
/// configured keys are computed once, here; a request hashes the key it presents once, on the stack.
/// </remarks>
internal sealed class ApiKeyAuthenticator
{
    /// <summary>The tenant of every caller when the service runs open.</summary>
    public const string OpenTenant = "default";

    private const int DigestLength = SHA256.HashSizeInBytes;

    // A presented key whose UTF-8 form fits is encoded on the stack; a longer one (a key has no upper limit) in a
    // pooled buffer.
    private const int MaxStackKeyBytes = 256;

    private static readonly TenantFeature Open = new(OpenTenant);

    // The digests of the tenant keys back to back, DigestLength bytes each, in the order of _tenants.
    private readonly byte[] _keyDigests;
    private readonly TenantFeature[] _tenants;
    private readonly byte[]? _adminDigest;
    private readonly byte[]? _metricsDigest;

    public ApiKeyAuthenticator(IOptions<ApiKeyOptions> options)
    {
        IsOpen = options.Value.IsOpen;

        // One feature object per tenant, made here once: a request only stores a reference to it.
        var tenants = new Dictionary<string, TenantFeature>(StringComparer.Ordinal);
        var keys = options.Value.Keys;
        _keyDigests = new byte[keys.Count * DigestLength];
        _tenants = new TenantFeature[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(keys[i].Key), _keyDigests.AsSpan(i * DigestLength, DigestLength));
            _tenants[i] = tenants.TryGetValue(keys[i].Tenant, out var known) ? known : tenants[keys[i].Tenant] = new TenantFeature(keys[i].Tenant);
        }

        _adminDigest = string.IsNullOrEmpty(options.Value.AdminKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.AdminKey));
        _metricsDigest = string.IsNullOrEmpty(options.Value.MetricsKey) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.MetricsKey));
    }

    /// <summary>Whether no key is configured, so everyone is let in.</summary>
    public bool IsOpen { get; }

    /// <summary>The tenant of the request's key; false when there is none or it is unknown.</summary>
    public bool TryAuthenticateTenant(HttpRequest request, out TenantFeature tenant)
    {
        tenant = Open;
        if (IsOpen)
        {
            return true;
        }

        Span<byte> presented = stackalloc byte[DigestLength];
        if (!TryHashBearer(request, presented))
        {
            return false;
        }

        // Every digest is compared; the match (keys are distinct, so at most one) is accumulated without a branch
        // on the outcome, as one plus its index.
        var match = 0;
        for (var i = 0; i < _tenants.Length; i++)
        {
            var equal = CryptographicOperations.FixedTimeEquals(_keyDigests.AsSpan(i * DigestLength, DigestLength), presented);
            match |= (i + 1) & -Convert.ToInt32(equal);
        }

        if (match == 0)
        {
            return false;
        }

        tenant = _tenants[match - 1];
        return true;
    }

    /// <summary>Whether the request carries the admin key (always true when the service is open).</summary>
    public bool IsAdmin(HttpRequest request)
    {
        if (IsOpen)
        {
            return true;
        }

        Span<byte> presented = stackalloc byte[DigestLength];
        return _adminDigest is not null && TryHashBearer(request, presented) && CryptographicOperations.FixedTimeEquals(_adminDigest, presented);
    }

    /// <summary>
    /// Whether the request may read the metrics: it carries the metrics key or the admin key, or neither is needed
    /// (the service is open and no metrics key is set).
    /// </summary>
    public bool CanReadMetrics(HttpRequest request)
    {
        if (IsOpen && _metricsDigest is null)
        {
            return true;
        }

        Span<byte> presented = stackalloc byte[DigestLength];
        if (!TryHashBearer(request, presented))
        {
            return false;
        }

        // Both are compared, whichever matches, so the time does not say which key it was.
        var admin = _adminDigest is not null && CryptographicOperations.FixedTimeEquals(_adminDigest, presented);
        var metrics = _metricsDigest is not null && CryptographicOperations.FixedTimeEquals(_metricsDigest, presented);
        return admin | metrics;
    }

    // Writes the SHA-256 digest of the request's bearer key (UTF-8) to digest; false when there is no bearer key.
    private static bool TryHashBearer(HttpRequest request, Span<byte> digest)
    {
        // A single header value comes back as the string itself, without a copy.
        ReadOnlySpan<char> header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var key = header[Scheme.Length..].Trim();
        if (key.IsEmpty)
        {
            return false;
        }

        var length = Encoding.UTF8.GetByteCount(key);
        byte[]? rented = null;
        Span<byte> buffer = length <= MaxStackKeyBytes ? stackalloc byte[MaxStackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var encoded = buffer[..Encoding.UTF8.GetBytes(key, buffer)];
        try
        {
            SHA256.HashData(encoded, digest);
            return true;
        }
        finally
        {
            // The key does not outlive the request in a buffer someone else gets next.
            CryptographicOperations.ZeroMemory(encoded);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
