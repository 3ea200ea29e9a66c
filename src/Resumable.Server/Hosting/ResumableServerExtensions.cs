using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Jobs;
using Resumable.Redis;
using Resumable.Storage.Faster;
using Resumable.Server.Auth;
using Resumable.Server.Cluster;
using Resumable.Server.Dashboard;
using Resumable.Server.Endpoints;
using Resumable.Server.Errors;
using Resumable.Server.Hosting;
using Resumable.Server.Requests;
using Resumable.Server.Upstream;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Composes the Resumable server: the pipeline, the HTTP API, authentication, health and OpenAPI.</summary>
public static class ResumableServerExtensions
{
    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Registers everything the server needs, with options validated at start-up.</summary>
    public static WebApplicationBuilder AddResumableServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        // Kestrel refuses a header value that is not UTF-8 before the application sees the request, with an empty 400.
        // Decoded leniently instead (such bytes become U+FFFD, valid UTF-8 reads as before), a junk Authorization or
        // Last-Event-ID value reaches the API and gets its 401 or 400 in the OpenAI error shape.
        builder.WebHost.ConfigureKestrel(static kestrel => kestrel.RequestHeaderEncodingSelector = static _ => LenientUtf8);

        // The log first: it then starts before recovery and the workers and stops after them.
        services.AddResumableFasterWal();
        services.AddResumableCore();
        services.AddUpstreamModels();
        AddCluster(builder);
        services.AddOptionsWithValidateOnStart<ApiOptions, ApiOptionsValidator>().BindConfiguration(ApiOptions.SectionName);
        services.AddOptionsWithValidateOnStart<ApiKeyOptions, ApiKeyOptionsValidator>().BindConfiguration(ApiKeyOptions.SectionName);
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<ResponsesServices>();
        services.AddSingleton<DashboardFeed>();

        services.AddProblemDetails();
        services.AddExceptionHandler<OpenAIExceptionHandler>();
        services.ConfigureHttpJsonOptions(static options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddOpenApi();
        services.AddResumableMetricsExport();
        services.AddHealthChecks()
            .AddCheck<QueueReadinessCheck>("queue", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<EventLogReadinessCheck>("wal", tags: [HealthEndpoints.ReadyTag]);
        return builder;
    }

    /// <summary>
    /// The node's identity, always (its id is on every answer); with <c>Resumable:Redis:Configuration</c> set, Redis
    /// and the relay to the other nodes as well. Without it the node runs alone, exactly as a single node.
    /// </summary>
    private static void AddCluster(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName);
        var shared = !string.IsNullOrWhiteSpace(builder.Configuration[$"{RedisOptions.SectionName}:{nameof(RedisOptions.Configuration)}"]);
        services.AddSingleton<IPostConfigureOptions<NodeOptions>>(sp => new NodeOptionsSetup(sp.GetRequiredService<IOptions<WalOptions>>(), shared));
        if (!shared)
        {
            services.AddSingleton(static sp => new ClusterRouter(null, null, sp.GetRequiredService<IOptions<NodeOptions>>(), sp.GetRequiredService<IOptions<QueueOptions>>()));
            return;
        }

        services.AddOptions<NodeOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<WalOptions>, SharedDurabilityValidator>();
        services.AddResumableRedis();
        services.AddHttpForwarder();
        services.AddSingleton<NodeRelay>();
        services.AddHealthChecks().AddCheck<RedisReadinessCheck>("redis", tags: [HealthEndpoints.ReadyTag]);
        services.AddSingleton(static sp => new ClusterRouter(
            sp.GetRequiredService<IClusterDirectory>(), sp.GetRequiredService<NodeRelay>(), sp.GetRequiredService<IOptions<NodeOptions>>(), sp.GetRequiredService<IOptions<QueueOptions>>()));
    }

    /// <summary>Maps the API, the operator endpoints and dashboard, health, metrics, the OpenAPI document and an OpenAI-shaped 404 for anything else.</summary>
    public static WebApplication MapResumable(this WebApplication app)
    {
        app.UseRequestIds();
        app.UseExceptionHandler();
        var nodeId = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value.Id!;
        app.Use((context, next) =>
        {
            // Which node answered; a relayed answer carries its owner's id instead (set by the relay).
            context.Response.Headers[NodeHeaders.Node] = nodeId;
            return next(context);
        });
        app.UseDashboard();
        app.MapOpenApi();
        app.MapResponsesEndpoints();
        app.MapAdminEndpoints();
        app.MapHealthEndpoints();
        app.MapMetrics();
        app.MapFallback(static (HttpContext context) => OpenAIError.Create(
            StatusCodes.Status404NotFound, $"Unknown request URL: {context.Request.Method} {context.Request.Path}.", OpenAIError.InvalidRequest, null, "unknown_url"));

        if (app.Services.GetRequiredService<ApiKeyAuthenticator>().IsOpen)
        {
            ServerLog.OpenAccess(app.Logger);
        }

        return app;
    }
}
