namespace Resumable.Testing;

/// <summary>The API keys every test server is configured with.</summary>
public static class TestKeys
{
    public const string TenantA = "sk-test-tenant-a-0001";
    public const string TenantB = "sk-test-tenant-b-0002";
    public const string Admin = "sk-test-admin-0003";
}
