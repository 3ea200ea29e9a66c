using Resumable.Server.Errors;

namespace Resumable.Server.Auth;

/// <summary>Endpoint filters that admit a request only with a tenant key (or the admin key, for operator routes).</summary>
internal static class ApiKeyEndpointFilters
{
    /// <summary>Requires a tenant key and records its tenant for the handler.</summary>
    public static async ValueTask<object?> RequireTenantAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        if (!authenticator.TryAuthenticateTenant(http.Request, out var tenant))
        {
            return OpenAIError.Unauthorized("Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.");
        }

        http.SetTenant(tenant);
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>Requires the admin key.</summary>
    public static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var authenticator = http.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
        if (!authenticator.IsAdmin(http.Request))
        {
            return OpenAIError.Unauthorized("The admin endpoints need the admin key: 'Authorization: Bearer <admin key>'.");
        }

        return await next(context).ConfigureAwait(false);
    }
}
