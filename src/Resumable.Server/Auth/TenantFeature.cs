namespace Resumable.Server.Auth;

/// <summary>The tenant a request was authenticated as; one shared instance per tenant.</summary>
internal sealed class TenantFeature(string name)
{
    /// <summary>The tenant's name, as configured with its keys.</summary>
    public string Name { get; } = name;
}
