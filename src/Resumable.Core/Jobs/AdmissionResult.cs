using Resumable.Core.Entries;
using Resumable.Core.Generation;

namespace Resumable.Core.Jobs;

/// <summary>The outcome of admitting a request: exactly one of the properties describes it.</summary>
internal readonly record struct AdmissionResult(ResponseEntry? Entry, RequestProblem? Problem, bool QueueFull, string? StorageFault = null)
{
    public static AdmissionResult Admitted(ResponseEntry entry) => new(entry, null, false);

    public static AdmissionResult Rejected(RequestProblem problem) => new(null, problem, false);

    public static AdmissionResult Full => new(null, null, true);

    public static AdmissionResult Unavailable(string fault) => new(null, null, false, fault);
}
