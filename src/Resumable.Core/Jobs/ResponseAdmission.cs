using Microsoft.Extensions.Logging;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Generation;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Core.Retention;
using Resumable.Core.Sequencing;

namespace Resumable.Core.Jobs;

/// <summary>
/// Turns a validated request into a queued response: checks the model, creates the entry, emits its first
/// events and queues it. Nothing becomes visible unless the queue accepted it.
/// </summary>
public sealed partial class ResponseAdmission(
    GeneratorCatalog generators,
    ResponseLifecycle lifecycle,
    ResponseRegistry registry,
    JobQueue queue,
    IEventLog eventLog,
    TimeProvider timeProvider,
    ResumableMetrics metrics,
    ILogger<ResponseAdmission> logger)
{
    /// <summary>Admits <paramref name="request"/> for <paramref name="tenant"/>.</summary>
    public AdmissionResult Admit(ResponseRequest request, string tenant)
    {
        if (!generators.TryResolve(request.Model, out var generator))
        {
            return AdmissionResult.Rejected(new RequestProblem("model", $"The model '{request.Model}' does not exist. Available: '{SyntheticGenerator.ModelName}'."));
        }

        if (generator.Validate(request) is { } problem)
        {
            return AdmissionResult.Rejected(problem);
        }

        // A response the log cannot persist, or not without growing memory for a disk that does not keep up, is
        // refused rather than accepted without its durability.
        if (request.Store && (eventLog.Fault ?? eventLog.Saturation) is { } unavailable)
        {
            return AdmissionResult.Unavailable(unavailable);
        }

        var entry = new ResponseEntry(ResponseId.New(), tenant, request, timeProvider.GetUtcNow(), publishesOnCommit: request.Store && eventLog.Mode == DurabilityMode.Sync);

        if (!lifecycle.TryAdmit(entry, queue.TryEnqueue))
        {
            metrics.ResponseRejected();
            LogQueueFull(queue.Capacity);
            return AdmissionResult.Full;
        }

        if (request.Store)
        {
            registry.Add(entry);
        }

        metrics.ResponseAdmitted();
        LogAdmitted(entry.Id, tenant, request.Model, request.Background);
        return AdmissionResult.Admitted(entry);
    }

    [LoggerMessage(EventIds.ResponseAdmitted, LogLevel.Debug, "Admitted {ResponseId} for tenant {Tenant}, model {Model}, background {Background}.")]
    private partial void LogAdmitted(string responseId, string tenant, string model, bool background);

    [LoggerMessage(EventIds.QueueFull, LogLevel.Warning, "Refused a response: the queue is full ({Capacity} waiting).")]
    private partial void LogQueueFull(int capacity);
}
