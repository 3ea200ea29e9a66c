using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Jobs;
using Resumable.Core.Retention;
using Resumable.Core.Sequencing;
using Resumable.Core.Streaming;
using Resumable.Server.Cluster;
using Resumable.Server.Requests;

namespace Resumable.Server.Endpoints;

/// <summary>
/// The dependencies of the response endpoints: one singleton, handed to the handlers when the endpoints are mapped.
/// Binding them per request would read <c>RequestServices</c> and give every request a service scope, which a
/// stream would keep for as long as it stays open.
/// </summary>
internal sealed record ResponsesServices(
    ResponseAdmission Admission,
    ResponseRegistry Registry,
    ResponseLifecycle Lifecycle,
    ResponseLogSource Logs,
    SseStreamer Streamer,
    ResumableMetrics Metrics,
    IOptions<ApiOptions> Api,
    IOptions<QueueOptions> Queue,
    ClusterRouter Router,
    IOptions<NodeOptions> Node,
    IResponseAnnouncer? Announcer = null)
{
    /// <summary>This node's id.</summary>
    public string NodeId => Node.Value.Id!;
}
