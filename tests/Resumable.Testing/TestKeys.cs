namespace Resumable.Testing;

/// <summary>The API keys every test server is configured with.</summary>
public static class TestKeys
{
    public const string TenantA = "sk-test-tenant-a-0001";
    public const string TenantB = "sk-test-tenant-b-0002";
    public const string Admin = "sk-test-admin-0003";

    /// <summary>The server settings that configure these keys: <see cref="TenantA"/> for tenant <c>tenant-a</c>,
    /// <see cref="TenantB"/> for <c>tenant-b</c>, and <see cref="Admin"/>.</summary>
    public static IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Resumable:Auth:Keys:0:Key"] = TenantA,
        ["Resumable:Auth:Keys:0:Tenant"] = "tenant-a",
        ["Resumable:Auth:Keys:1:Key"] = TenantB,
        ["Resumable:Auth:Keys:1:Tenant"] = "tenant-b",
        ["Resumable:Auth:AdminKey"] = Admin,
    };
}
