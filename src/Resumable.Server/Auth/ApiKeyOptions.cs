namespace Resumable.Server.Auth;

/// <summary>API keys and the tenants they belong to. Section <c>Resumable:Auth</c>.
/// With no keys at all the service runs open (every caller is tenant <c>default</c>, admin endpoints included).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Auth";

    /// <summary>The tenant keys: each <c>Key</c> (sent as <c>Authorization: Bearer &lt;key&gt;</c>) maps to a <c>Tenant</c>. Default: none.</summary>
    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>The key for the <c>/admin</c> endpoints (all tenants). Default: none, which closes them unless the service is open.</summary>
    public string? AdminKey { get; set; }

    /// <summary>
    /// A key that reads <c>/metrics</c> and nothing else, for a monitoring system that should not hold the admin key
    /// (which reads it too). Default: none.
    /// </summary>
    public string? MetricsKey { get; set; }

    /// <summary>Whether no tenant key and no admin key is configured (a metrics key alone protects only <c>/metrics</c>).</summary>
    public bool IsOpen => Keys.Count == 0 && string.IsNullOrEmpty(AdminKey);
}

/// <summary>One API key and its tenant.</summary>
public sealed class ApiKeyEntry
{
    /// <summary>The secret, at least 8 characters.</summary>
    public string Key { get; set; } = "";

    /// <summary>The tenant name responses are filed under.</summary>
    public string Tenant { get; set; } = "";
}
