namespace Resumable.Server.Auth;

/// <summary>Where the authenticated tenant of a request is kept between the filter and the handler.</summary>
/// <remarks>
/// A request feature rather than <c>HttpContext.Items</c>: the authenticator makes one feature object per tenant at
/// start-up, so a request only stores a reference among the features it already has, where <c>Items</c> would build
/// a dictionary that an open stream keeps for its whole life.
/// </remarks>
internal static class TenantContext
{
    /// <summary>The tenant the API key filter authenticated.</summary>
    public static string GetTenant(this HttpContext context) =>
        context.Features.Get<TenantFeature>()?.Name ?? throw new InvalidOperationException("The endpoint is not behind the API key filter.");

    internal static void SetTenant(this HttpContext context, TenantFeature tenant) => context.Features.Set(tenant);
}
