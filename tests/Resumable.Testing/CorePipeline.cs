using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Entries;
using Resumable.Core.Responses;

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

    /// <summary>A new background response of tenant <c>tenant</c> for the synthetic model, not yet admitted.</summary>
    public static ResponseEntry NewEntry() => new(ResponseId.New(), "tenant", new ResponseRequest
    {
        Model = "synthetic",
        Input = [new InputMessage("msg_1", "user", [new InputTextPart("input_text", "hi")])],
        Background = true,
    }, DateTimeOffset.UnixEpoch);
}
