using Resumable.Core.Entries;
using Resumable.Core.Generation;

namespace Resumable.Core.Jobs;

/// <summary>The outcome of admitting a request: exactly one of the properties describes it.</summary>
/// <param name="Entry">The admitted response.</param>
/// <param name="Problem">Why the request was rejected (a 400).</param>
/// <param name="QueueFull">Whether the job queue refused it (a 429).</param>
/// <param name="StorageFault">Why the event log cannot take it (a 503).</param>
public readonly record struct AdmissionResult(ResponseEntry? Entry, RequestProblem? Problem, bool QueueFull, string? StorageFault = null)
{
    /// <summary>Admitted as <paramref name="entry"/>.</summary>
    public static AdmissionResult Admitted(ResponseEntry entry) => new(entry, null, false);

    /// <summary>Rejected for <paramref name="problem"/>.</summary>
    public static AdmissionResult Rejected(RequestProblem problem) => new(null, problem, false);

    /// <summary>Refused: the queue is full.</summary>
    public static AdmissionResult Full => new(null, null, true);

    /// <summary>Refused: the event log cannot persist it now, for <paramref name="fault"/>.</summary>
    public static AdmissionResult Unavailable(string fault) => new(null, null, false, fault);
}
