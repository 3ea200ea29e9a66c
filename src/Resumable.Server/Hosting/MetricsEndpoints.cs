using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Resumable.Core.Diagnostics;
using Resumable.Server.Auth;
using Resumable.Server.Errors;

namespace Resumable.Server.Hosting;

/// <summary>
/// <c>/metrics</c> in the Prometheus text format: the service's own instruments (meter <c>Resumable</c>) and the
/// framework's (requests, Kestrel connections, the HTTP client to upstream models, the runtime), exported by
/// OpenTelemetry's Prometheus exporter. docs/operations.md lists every series with its unit and labels.
/// </summary>
internal static class MetricsEndpoints
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    // The framework's own meters, which cost nothing per streamed event: they count requests and connections.
    private static readonly string[] FrameworkMeters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"];

    /// <summary>Collects the meters and registers the exporter.</summary>
    public static IServiceCollection AddResumableMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(static resource => resource.AddService("resumable"))
            .WithMetrics(static metrics => metrics
            .AddMeter(ResumableMetrics.MeterName)
            .AddMeter(FrameworkMeters)
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <see cref="Path"/>, readable with the metrics key or the admin key once keys are configured.</summary>
    public static void MapMetrics(this IEndpointRouteBuilder app)
    {
        var authenticator = app.ServiceProvider.GetRequiredService<ApiKeyAuthenticator>();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (!authenticator.CanReadMetrics(context.Request))
            {
                await OpenAIError.Unauthorized("The metrics need the metrics key or the admin key: 'Authorization: Bearer <key>'.").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }), optionsName: null);
    }
}
