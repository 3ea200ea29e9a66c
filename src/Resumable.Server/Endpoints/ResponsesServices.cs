using Microsoft.Extensions.Options;
using Resumable.Core.Diagnostics;
using Resumable.Core.Jobs;
using Resumable.Core.Responses;
using Resumable.Core.Sequencing;
using Resumable.Core.Streaming;
using Resumable.Server.Requests;

namespace Resumable.Server.Endpoints;

/// <summary>The dependencies of the response endpoints, bound with <c>[AsParameters]</c>.</summary>
internal sealed record ResponsesServices(
    ResponseAdmission Admission,
    ResponseRegistry Registry,
    ResponseLifecycle Lifecycle,
    ResponseLogSource Logs,
    ResumableMetrics Metrics,
    IOptions<ApiOptions> Api,
    IOptions<QueueOptions> Queue);
