using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Server.Auth;
using Resumable.Server.Hosting;

namespace Resumable.Server.Dashboard;

/// <summary>
/// The operator dashboard: its page and scripts at <c>/dashboard/</c> (files embedded in the server's assembly, served
/// by the static-file middleware, open to anyone: they hold no data), and its feed behind the admin key.
/// </summary>
internal static class DashboardEndpoints
{
    private const string PagePath = "/dashboard";

    /// <summary>Maps <c>GET /admin/dashboard/feed</c> on the admin group (which requires the admin key).</summary>
    public static RouteHandlerBuilder MapDashboardFeed(this RouteGroupBuilder admin)
    {
        var feed = ((IEndpointRouteBuilder)admin).ServiceProvider.GetRequiredService<DashboardFeed>();
        return admin.MapGet("/dashboard/feed", () => new DashboardFeedResult(feed)).WithName("AdminDashboardFeed")
            .WithSummary("Server-Sent Events: a snapshot of every retained response of every node, then each change as it happens.");
    }

    /// <summary>Serves the page at <c>/dashboard/</c> and its files below it.</summary>
    public static WebApplication UseDashboard(this WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(DashboardEndpoints).Assembly, typeof(DashboardEndpoints).Namespace + ".Assets");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = PagePath,

            // Embedded files carry the build's time, not their own: a browser asks again rather than keep a stale script.
            OnPrepareResponse = static context => context.Context.Response.Headers.CacheControl = "no-cache",
        });

        app.MapGet(PagePath, (HttpContext context) =>
        {
            // Routing ignores a trailing slash, the browser does not: the page's relative links need it.
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                return Results.Redirect(context.Request.PathBase + PagePath + "/");
            }

            context.Response.Headers.CacheControl = "no-cache";

            // The page loads only its own files and talks only to this origin, and no other site may frame it (an
            // operator's clicks on cancel and delete must be their own).
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.Stream(files.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8");
        }).ExcludeFromDescription();

        // What the page needs before it has a key: whether it needs one, and whether the charts can read /metrics. Both
        // are no secret (a request without a key finds them out anyway).
        var authenticator = app.Services.GetRequiredService<ApiKeyAuthenticator>();
        var nodeId = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.Id!;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>();

        // An open service with a metrics key alone guards /metrics with a key the page does not have.
        var metricsReadable = !(authenticator.IsOpen && !string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<ApiKeyOptions>>().Value.MetricsKey));
        app.MapGet(PagePath + "/settings", () => TypedResults.Ok(new DashboardSettings(
            !authenticator.IsOpen,
            metricsReadable && endpoints.Endpoints.OfType<RouteEndpoint>().Any(static e => e.RoutePattern.RawText == MetricsEndpoints.Path),
            nodeId))).ExcludeFromDescription();
        return app;
    }
}
