namespace Resumable.Server.Auth;

/// <summary>Where the authenticated tenant of a request is kept between the filter and the handler.</summary>
internal static class TenantContext
{
    private static readonly object TenantKey = new();

    /// <summary>The tenant the API key filter authenticated.</summary>
    public static string GetTenant(this HttpContext context) =>
        context.Items[TenantKey] as string ?? throw new InvalidOperationException("The endpoint is not behind the API key filter.");

    internal static void SetTenant(this HttpContext context, string tenant) => context.Items[TenantKey] = tenant;
}
