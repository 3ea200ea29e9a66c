using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Resumable.Core.Cluster;
using Resumable.Core.Diagnostics;
using Resumable.Core.Jobs;
using Resumable.Core.Streaming;
using Resumable.Server.Errors;
using Resumable.Server.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace Resumable.Server.Cluster;

/// <summary>
/// Serves a request for another node's response through that node with YARP's <see cref="IHttpForwarder"/>: the same
/// method, path, query and headers (the caller's <c>Authorization</c> and <c>Last-Event-ID</c> among them, so the
/// owner authenticates it exactly as a direct request), and the owner's answer streamed back unbuffered as it comes;
/// a caller that leaves cancels the relayed request. An owner that cannot be reached before it answers gets the
/// caller a 503 <c>owner_unavailable</c> instead.
/// </summary>
internal sealed partial class NodeRelay : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly ForwarderRequestConfig _streamConfig;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly RelayTransformer _transformer;
    private readonly IOptions<QueueOptions> _queue;
    private readonly ILogger<NodeRelay> _logger;
    private readonly string _nodeId;

    public NodeRelay(IHttpForwarder forwarder, IOptions<NodeOptions> node, IOptions<QueueOptions> queue, IOptions<StreamingOptions> streaming, ILogger<NodeRelay> logger)
    {
        _forwarder = forwarder;
        _nodeId = node.Value.Id!;
        _queue = queue;
        _logger = logger;
        _transformer = new RelayTransformer(node.Value.Id!);

        // One pooled client for every relay: connections to the other nodes stay warm. No proxy, redirects, cookies
        // or decompression: the bytes pass through as the owner sent them.
        _client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        });

        // A live stream carries at least a keep-alive comment per interval; one silent for several intervals has an
        // owner that hangs. Any other request is answered by a live owner at once: one that accepts but does not
        // answer (hung, or stopped) gets the caller a 503 after a bounded wait instead of holding it.
        var keepAlive = streaming.Value.KeepAliveInterval;
        _streamConfig = new ForwarderRequestConfig { ActivityTimeout = keepAlive * 4 > TimeSpan.FromMinutes(1) ? keepAlive * 4 : TimeSpan.FromMinutes(1) };
        _requestConfig = new ForwarderRequestConfig { ActivityTimeout = RequestTimeout };
    }

    /// <summary>How long a relayed request that is not a stream may go without an answer from the owner.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Relays the request to <paramref name="owner"/>, which owns <paramref name="response"/>.</summary>
    public async Task RelayAsync(HttpContext context, ClusterMember owner, ClusterResponse response)
    {
        var isStream = bool.TryParse(context.Request.Query["stream"].ToString(), out var stream) && stream;
        var config = isStream ? _streamConfig : _requestConfig;
        var error = await _forwarder.SendAsync(context, owner.InternalUrl.ToString(), _client, config, _transformer).ConfigureAwait(false);
        if (error == ForwarderError.None)
        {
            return;
        }

        if (error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyClient
            || (error == ForwarderError.ResponseBodyCanceled && context.RequestAborted.IsCancellationRequested))
        {
            // The caller left; nobody reads what would follow. (YARP has already aborted what was under way.)
            return;
        }

        var reason = context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? error.ToString();
        LogRelayFailed(response.Id, owner.Id, owner.InternalUrl.ToString(), error.ToString(), reason);
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.Headers[NodeHeaders.Node] = _nodeId;
            await OpenAIError.OwnerUnavailable(context, response, _queue.Value.RetryAfterSeconds).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client.Dispose();

    [LoggerMessage(EventIds.RelayFailed, LogLevel.Warning, "Relaying a request for response {ResponseId} to its owner {Owner} at {Url} failed ({Error}): {Reason}.")]
    private partial void LogRelayFailed(string responseId, string owner, string url, string error, string reason);

    /// <summary>The default transform, plus the relaying node's id on the request and on the answer.</summary>
    private sealed class RelayTransformer(string nodeId) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
            proxyRequest.Headers.Remove(NodeHeaders.RelayedBy);
            proxyRequest.Headers.TryAddWithoutValidation(NodeHeaders.RelayedBy, nodeId);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
            if (proxyResponse is not null && proxyResponse.Headers.TryGetValues(NodeHeaders.Node, out var owner))
            {
                httpContext.Response.Headers[NodeHeaders.Node] = owner.ToArray();
            }

            // The owner answers with the request id this node passed on; the copy appended it to this node's own.
            if (proxyResponse is not null && proxyResponse.Headers.TryGetValues(RequestIds.Header, out var requestId))
            {
                httpContext.Response.Headers[RequestIds.Header] = requestId.ToArray();
            }

            httpContext.Response.Headers[NodeHeaders.RelayedBy] = nodeId;
            return proceed;
        }
    }
}
