using Resumable.Server.Errors;

namespace Resumable.Server.Auth;

/// <summary>Endpoint filters that admit a request only with a tenant key (or the admin key, for operator routes).</summary>
/// <remarks>
/// Filter factories take the authenticator from the application's services once, when the endpoint is built: a
/// request that reads <c>RequestServices</c> gets a service scope of its own, which a stream would hold open.
/// </remarks>
internal static class ApiKeyEndpointFilters
{
    /// <summary>Requires a tenant key and records its tenant for the handler.</summary>
    public static EndpointFilterDelegate RequireTenant(EndpointFilterFactoryContext factoryContext, EndpointFilterDelegate next)
    {
        var authenticator = factoryContext.ApplicationServices.GetRequiredService<ApiKeyAuthenticator>();
        return context =>
        {
            var http = context.HttpContext;
            if (!authenticator.TryAuthenticateTenant(http.Request, out var tenant))
            {
                return ValueTask.FromResult<object?>(OpenAIError.Unauthorized("Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'."));
            }

            http.SetTenant(tenant);
            return next(context);
        };
    }

    /// <summary>Requires the admin key.</summary>
    public static EndpointFilterDelegate RequireAdmin(EndpointFilterFactoryContext factoryContext, EndpointFilterDelegate next)
    {
        var authenticator = factoryContext.ApplicationServices.GetRequiredService<ApiKeyAuthenticator>();
        return context => authenticator.IsAdmin(context.HttpContext.Request)
            ? next(context)
            : ValueTask.FromResult<object?>(OpenAIError.Unauthorized("The admin endpoints need the admin key: 'Authorization: Bearer <admin key>'."));
    }
}
