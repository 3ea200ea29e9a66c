using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using Resumable.Core.Generation;

namespace Resumable.Server.Upstream;

/// <summary>Registers the upstream models of <c>Resumable:Models</c>: one pooled client each, and the generator that serves them.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    public static void AddUpstreamModels(this IServiceCollection services)
    {
        services.AddOptions<Dictionary<string, UpstreamModelOptions>>().BindConfiguration(UpstreamModelOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Dictionary<string, UpstreamModelOptions>>, UpstreamModelsValidator>());
        services.AddHttpClient();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HttpClientFactoryOptions>, UpstreamClientSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGenerator, UpstreamGenerator>());
    }

    /// <summary>
    /// The client of each upstream model (named <see cref="UpstreamGenerator.ClientName"/>): one pooled
    /// handler for the life of the process (it rotates its own connections), so a request never pays a TCP or TLS
    /// handshake while a warm connection exists; HTTP/2 where the upstream offers it, keep-alive pings,
    /// decompression, no redirects, and no client timeout (the generator bounds every wait itself).
    /// </summary>
    private sealed class UpstreamClientSetup(IOptions<Dictionary<string, UpstreamModelOptions>> models) : IConfigureNamedOptions<HttpClientFactoryOptions>
    {
        public void Configure(HttpClientFactoryOptions options)
        {
        }

        public void Configure(string? name, HttpClientFactoryOptions options)
        {
            if (name is null || !name.StartsWith(UpstreamGenerator.ClientNamePrefix, StringComparison.Ordinal)
                || !models.Value.TryGetValue(name[UpstreamGenerator.ClientNamePrefix.Length..], out var model))
            {
                return;
            }

            options.HandlerLifetime = Timeout.InfiniteTimeSpan;
            options.HttpClientActions.Add(static client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestVersion = HttpVersion.Version20;
                client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
            });
            options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new SocketsHttpHandler
            {
                ConnectTimeout = model.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                KeepAlivePingDelay = TimeSpan.FromSeconds(30),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
                AutomaticDecompression = DecompressionMethods.All,
                AllowAutoRedirect = false,
            });
        }
    }
}
