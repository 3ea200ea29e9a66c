using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Resumable.Testing;

/// <summary>The pipeline of Resumable.Core composed through its real registration, without a web host.</summary>
public static class CorePipeline
{
    /// <summary>Builds a service provider with <c>AddResumableCore</c>, configuration from <paramref name="settings"/>.</summary>
    public static ServiceProvider Create(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddMetrics();
        configure?.Invoke(services);
        services.AddResumableCore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
