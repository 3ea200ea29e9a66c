using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Cursors;
using Resumable.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Redis as the place where the nodes share their responses' cursors and their registry.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Adds the connection (configured under <c>Resumable:Redis</c>), the cursor publisher fed by every commit of the
    /// log, the node heartbeat (<c>Resumable:Node</c>), and the <see cref="IClusterDirectory"/> and
    /// <see cref="IResponseAnnouncer"/> that requests use. Call it after <c>AddResumableCore</c>: the connection then
    /// starts after recovery, so that the first publication covers every recovered response.
    /// </summary>
    public static IServiceCollection AddResumableRedis(this IServiceCollection services)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>());

        services.TryAddSingleton<RedisConnection>();
        services.AddHostedService(static sp => sp.GetRequiredService<RedisConnection>());
        services.TryAddSingleton<RedisCursorPublisher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICursorPublisher, RedisCursorPublisher>(static sp => sp.GetRequiredService<RedisCursorPublisher>()));
        services.AddHostedService(static sp => sp.GetRequiredService<RedisCursorPublisher>());
        services.AddHostedService<RedisNodeHeartbeat>();
        services.TryAddSingleton<RedisClusterDirectory>();
        services.TryAddSingleton<IClusterDirectory>(static sp => sp.GetRequiredService<RedisClusterDirectory>());
        services.TryAddSingleton<IResponseAnnouncer>(static sp => sp.GetRequiredService<RedisClusterDirectory>());
        return services;
    }
}
