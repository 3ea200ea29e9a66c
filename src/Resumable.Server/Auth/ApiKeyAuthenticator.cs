using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Resumable.Server.Auth;

/// <summary>Maps the bearer key of a request to its tenant, or recognises the admin key.</summary>
internal sealed class ApiKeyAuthenticator
{
    /// <summary>The tenant of every caller when the service runs open.</summary>
    public const string OpenTenant = "default";

    private static readonly TenantFeature Open = new(OpenTenant);

    private readonly (byte[] Key, TenantFeature Tenant)[] _keys;
    private readonly byte[]? _adminKey;

    public ApiKeyAuthenticator(IOptions<ApiKeyOptions> options)
    {
        IsOpen = options.Value.IsOpen;

        // One feature object per tenant, made here once: a request only stores a reference to it.
        var tenants = new Dictionary<string, TenantFeature>(StringComparer.Ordinal);
        _keys = options.Value.Keys
            .Select(k => (Encoding.UTF8.GetBytes(k.Key), tenants.TryGetValue(k.Tenant, out var known) ? known : tenants[k.Tenant] = new TenantFeature(k.Tenant)))
            .ToArray();
        _adminKey = string.IsNullOrEmpty(options.Value.AdminKey) ? null : Encoding.UTF8.GetBytes(options.Value.AdminKey);
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

        if (!TryReadBearer(request, out var presented))
        {
            return false;
        }

        foreach (var (key, owner) in _keys)
        {
            // Constant-time comparison, so response timing does not reveal how much of a key matched.
            if (CryptographicOperations.FixedTimeEquals(key, presented))
            {
                tenant = owner;
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the request carries the admin key (always true when the service is open).</summary>
    public bool IsAdmin(HttpRequest request) =>
        IsOpen || (_adminKey is not null && TryReadBearer(request, out var presented) && CryptographicOperations.FixedTimeEquals(_adminKey, presented));

    private static bool TryReadBearer(HttpRequest request, out byte[] key)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length)
        {
            key = Encoding.UTF8.GetBytes(header.AsSpan(Scheme.Length).Trim().ToString());
            return true;
        }

        key = [];
        return false;
    }
}
