using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Resumable.Core.Persistence;
using Resumable.Storage.Faster;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the FasterLog write-ahead log as the pipeline's <see cref="IEventLog"/>.</summary>
public static class FasterWalServiceCollectionExtensions
{
    /// <summary>
    /// Adds the write-ahead log configured under <c>Resumable:Wal</c>. Call it before <c>AddResumableCore</c>:
    /// the log then starts before recovery and the workers, and stops after them, so that the last events of
    /// a shutdown are persisted too. With <c>Durability: None</c> the log opens nothing and keeps nothing.
    /// </summary>
    public static IServiceCollection AddResumableFasterWal(this IServiceCollection services)
    {
        services.AddOptions<WalOptions>().BindConfiguration(WalOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WalOptions>, WalOptionsValidator>());

        services.TryAddSingleton<ILogDeviceFactory, LocalLogDeviceFactory>();
        services.TryAddSingleton<FasterEventLog>();
        services.TryAddSingleton<IEventLog>(static sp => sp.GetRequiredService<FasterEventLog>());
        services.AddHostedService(static sp => sp.GetRequiredService<FasterEventLog>());
        return services;
    }
}
