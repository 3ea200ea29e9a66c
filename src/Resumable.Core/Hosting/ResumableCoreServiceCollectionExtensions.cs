using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Resumable.Core.Changes;
using Resumable.Core.Cursors;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Generation;
using Resumable.Core.Jobs;
using Resumable.Core.Persistence;
using Resumable.Core.Recovery;
using Resumable.Core.Retention;
using Resumable.Core.Sequencing;
using Resumable.Core.Streaming;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Resumable pipeline: admission, queue, workers, sequencer, response logs, retention.</summary>
public static class ResumableCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the pipeline with its validated options (sections under <c>Resumable</c>), the synthetic
    /// generator and the memory-only event log. Replaceable defaults (<see cref="TimeProvider"/>,
    /// <see cref="IEventLog"/>) are added with TryAdd so that a host or a test can register its own first.
    /// Requires an <c>IMeterFactory</c> (every .NET host registers one).
    /// </summary>
    public static IServiceCollection AddResumableCore(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<QueueOptions, QueueOptionsValidator>().BindConfiguration(QueueOptions.SectionName);
        services.AddOptionsWithValidateOnStart<RetentionOptions, RetentionOptionsValidator>().BindConfiguration(RetentionOptions.SectionName);
        services.AddOptionsWithValidateOnStart<StreamingOptions, StreamingOptionsValidator>().BindConfiguration(StreamingOptions.SectionName);
        services.AddOptionsWithValidateOnStart<SyntheticGeneratorOptions, SyntheticGeneratorOptionsValidator>().BindConfiguration(SyntheticGeneratorOptions.SectionName);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IEventLog, MemoryOnlyEventLog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IGenerator, SyntheticGenerator>());

        // The log is resolved when a collector first reads its figures, not here: the log reports its commits to these
        // metrics, so taking it at construction would make each need the other.
        services.TryAddSingleton(static sp =>
        {
            var queue = sp.GetRequiredService<JobQueue>();
            return new ResumableMetrics(sp.GetRequiredService<IMeterFactory>(), () => queue.Depth, () =>
                sp.GetRequiredService<IEventLog>().GetStatistics() is { } wal ? new WalGaugeReading(wal.PendingRecords, wal.PendingBytes, wal.SizeOnDiskBytes) : null);
        });
        services.TryAddSingleton<GeneratorCatalog>();
        services.TryAddSingleton<ResponseChangeFeed>();
        services.TryAddSingleton<ResponseSequencer>();
        services.TryAddSingleton<ResponseLifecycle>();
        services.TryAddSingleton<ResponseRegistry>();
        services.TryAddSingleton<JobQueue>();
        services.TryAddSingleton<ResponseAdmission>();
        services.TryAddSingleton<ResponseJobRunner>();
        services.TryAddSingleton<SseStreamer>();
        services.TryAddSingleton<ResponseLogSource>();
        services.TryAddSingleton<ResponseCooler>();
        services.TryAddSingleton<ICursorStore, InMemoryCursorStore>();

        // Components that are both a service and a loop are registered once and forwarded as hosted services.
        // Recovery starts first: the registry is complete before workers run and before requests are served.
        services.TryAddSingleton<ResponseRecoveryService>();
        services.AddHostedService(static sp => sp.GetRequiredService<ResponseRecoveryService>());
        services.TryAddSingleton<ResponseWorkerService>();
        services.TryAddSingleton<RetentionSweeper>();
        services.AddHostedService(static sp => sp.GetRequiredService<ResponseWorkerService>());
        services.AddHostedService(static sp => sp.GetRequiredService<RetentionSweeper>());
        return services;
    }
}
