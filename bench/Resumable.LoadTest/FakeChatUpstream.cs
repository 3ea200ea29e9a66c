using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Resumable.LoadTest;

/// <summary>
/// A minimal OpenAI-compatible Chat Completions server inside the load tool's process, on Kestrel over HTTP/1.1
/// (as vLLM's and Ollama's servers speak without TLS). <c>POST /v1/chat/completions</c> streams what the request's
/// <see cref="FakeStreamShape"/> asks for: the headers at once, content deltas paced on the monotonic clock, then a
/// <c>finish_reason</c> chunk, a usage chunk (<c>stream_options.include_usage</c>) and <c>data: [DONE]</c>. Each delta's
/// content is the clock's reading (<see cref="Stopwatch.GetTimestamp"/>) when it was written, as the synthetic model's
/// benchmark mode does, so a client on this machine can tell each delta's latency from the fake to itself.
/// </summary>
/// <remarks>
/// Two loopback listeners on ports the OS picks, one for the load tool's own (direct) client and one for the server
/// under test, each counting its TCP connections. The handlers run on a thread of their own
/// (<see cref="DedicatedThreadScheduler"/>) and the socket transport schedules inline, so the fake's pacing, formatting
/// and sends stay off the thread pool the clients are measured on; each chunk is formatted straight into Kestrel's
/// output buffer from bytes prepared once. It still shares the machine's cores with the server and the clients.
/// </remarks>
internal sealed class FakeChatUpstream : IAsyncDisposable
{
    // What the usage chunk reports for the prompt (the fake reads no tokens).
    private const int PromptTokens = 7;

    private const string ChunkStart = "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"fake\",\"choices\":[";

    private static readonly byte[] FirstDeltaPrefix = System.Text.Encoding.UTF8.GetBytes(ChunkStart + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"");
    private static readonly byte[] DeltaPrefix = System.Text.Encoding.UTF8.GetBytes(ChunkStart + "{\"index\":0,\"delta\":{\"content\":\"");
    private static readonly byte[] DeltaSuffix = " \"},\"finish_reason\":null}]}\n\n"u8.ToArray();
    private static readonly byte[] FinishChunk = System.Text.Encoding.UTF8.GetBytes(ChunkStart + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
    private static readonly byte[] UsagePrefix = System.Text.Encoding.UTF8.GetBytes(ChunkStart + "],\"usage\":{\"prompt_tokens\":" + PromptTokens + ",\"completion_tokens\":");
    private static readonly byte[] UsageSuffix = "}}\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    private readonly WebApplication _app;
    private readonly DedicatedThreadScheduler _scheduler;

    private FakeChatUpstream(WebApplication app, DedicatedThreadScheduler scheduler, ConnectionCounter direct, ConnectionCounter server)
    {
        _app = app;
        _scheduler = scheduler;
        DirectConnections = direct;
        ServerConnections = server;
    }

    /// <summary>The API base the load tool's own client calls, e.g. <c>http://127.0.0.1:PORT/v1/</c>.</summary>
    public Uri DirectBaseUrl { get; private set; } = null!;

    /// <summary>The API base given to the server under test as its model's <c>BaseUrl</c>.</summary>
    public Uri ServerBaseUrl { get; private set; } = null!;

    /// <summary>Connections and requests of the direct client's listener.</summary>
    public ConnectionCounter DirectConnections { get; }

    /// <summary>Connections and requests of the server's listener.</summary>
    public ConnectionCounter ServerConnections { get; }

    /// <summary>CPU seconds of the fake's own thread so far (its handlers and the sends they make).</summary>
    public double CpuSeconds => _scheduler.CpuSeconds;

    public static async Task<FakeChatUpstream> StartAsync()
    {
        var direct = new ConnectionCounter();
        var server = new ConnectionCounter();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var listeners = new List<(ListenOptions Listen, ConnectionCounter Counter)>();
        builder.WebHost.UseKestrelCore().UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true).ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var counter in new[] { direct, server })
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1;
                    listen.Use(next => connection => counter.TrackAsync(() => next(connection)));
                    listeners.Add((listen, counter));
                });
            }
        });
        var app = builder.Build();
        var scheduler = new DedicatedThreadScheduler("fake upstream");
        var fake = new FakeChatUpstream(app, scheduler, direct, server);
        app.Run(context =>
        {
            if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path != "/v1/chat/completions")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            (context.Connection.LocalPort == fake.DirectBaseUrl.Port ? direct : server).CountRequest();
            return Task.Factory.StartNew(() => StreamAsync(context), CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();
        });
        await app.StartAsync();

        // Kestrel writes the port the OS picked back into each listener's options when it binds.
        int PortOf(ConnectionCounter counter) => listeners.Single(l => l.Counter == counter).Listen.IPEndPoint!.Port;
        fake.DirectBaseUrl = new Uri($"http://127.0.0.1:{PortOf(direct)}/v1/");
        fake.ServerBaseUrl = new Uri($"http://127.0.0.1:{PortOf(server)}/v1");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _scheduler.Dispose();
    }

    // Runs on the fake's thread: every await below resumes there (the scheduler is the current one, and nothing
    // here sets ConfigureAwait(false)).
    private static async Task StreamAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        FakeStreamShape shape;
        using (var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: aborted))
        {
            var messages = body.RootElement.GetProperty("messages");
            shape = FakeStreamShape.Parse(messages[messages.GetArrayLength() - 1].GetProperty("content").GetString());
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        try
        {
            await response.StartAsync(aborted);
            var writer = response.BodyWriter;
            var started = Stopwatch.GetTimestamp();
            for (var index = 0; index < shape.Tokens; index++)
            {
                // Due on a fixed schedule from the start, so a late wake-up does not push the later deltas back.
                var due = TimeSpan.FromMilliseconds(shape.TimeToFirstTokenMs) + (shape.TokensPerSecond > 0 ? TimeSpan.FromSeconds(index / shape.TokensPerSecond) : TimeSpan.Zero);
                var wait = due - Stopwatch.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, aborted);
                }

                writer.Write(index == 0 ? FirstDeltaPrefix : DeltaPrefix);
                WriteNumber(writer, Stopwatch.GetTimestamp());
                writer.Write(DeltaSuffix);
                await writer.FlushAsync(aborted);
            }

            writer.Write(FinishChunk);
            writer.Write(UsagePrefix);
            WriteNumber(writer, shape.Tokens);
            writer.Write(",\"total_tokens\":"u8);
            WriteNumber(writer, shape.Tokens + PromptTokens);
            writer.Write(UsageSuffix);
            writer.Write(Done);
            await writer.FlushAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
    }

    private static void WriteNumber(PipeWriter writer, long value)
    {
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        writer.Advance(written);
    }
}
