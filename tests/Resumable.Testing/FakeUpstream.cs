using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Resumable.Testing;

/// <summary>
/// An OpenAI-compatible model server on real Kestrel on a free loopback port: <c>POST /v1/chat/completions</c> and
/// <c>POST /v1/responses</c> run the test's <see cref="Handler"/>, which streams real SSE bytes (helpers below) or fails as the test wants. It counts
/// TCP connections and requests, keeps every request body, and notes requests whose client went away.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;
    private int _requests;
    private int _aborted;

    private FakeUpstream(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>What the fake does for request number N (from 0).</summary>
    public Func<HttpContext, int, Task> Handler { get; set; } = static (context, _) => StreamAsync(context, ["Hello"], "stop");

    /// <summary>Its API base, as a model's <c>BaseUrl</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests whose client aborted them before the handler finished.</summary>
    public int Aborted => Volatile.Read(ref _aborted);

    /// <summary>Exceptions the test's handler threw (each also answered 500).</summary>
    public ConcurrentQueue<Exception> Failures { get; } = new();

    /// <summary>The JSON body of every request, in order.</summary>
    public ConcurrentQueue<JsonElement> Bodies { get; } = new();

    /// <summary>The <c>Authorization</c> header of every request, in order.</summary>
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    /// <summary>The HTTP protocol of every request, in order (<c>HTTP/1.1</c>, <c>HTTP/2</c>).</summary>
    public ConcurrentQueue<string> Protocols { get; } = new();

    /// <summary>
    /// Starts the fake on plain HTTP/1.1, or, given a <paramref name="certificate"/>, on HTTPS
    /// offering HTTP/2 and HTTP/1.1 (chosen by ALPN, as a public upstream does).
    /// </summary>
    public static async Task<FakeUpstream> StartAsync(X509Certificate2? certificate = null)
    {
        var port = FreeTcpPort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        FakeUpstream? fake = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Use(next => async connection =>
            {
                Interlocked.Increment(ref fake!._connections);
                await next(connection);
            });
            if (certificate is not null)
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        fake = new FakeUpstream(app, new Uri(certificate is null ? $"http://127.0.0.1:{port}/v1" : $"https://127.0.0.1:{port}/v1"));
        RequestDelegate serve = async context =>
        {
            var index = Interlocked.Increment(ref fake._requests) - 1;
            fake.Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
            fake.Protocols.Enqueue(context.Request.Protocol);
            try
            {
                using (var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted))
                {
                    fake.Bodies.Enqueue(body.RootElement.Clone());
                }

                await fake.Handler(context, index);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                // A handler that throws is a broken test; it shows as a 500 upstream and here.
                fake.Failures.Enqueue(e);
                throw;
            }
            finally
            {
                // Wherever the client left (while its body was read, or during the handler), it is counted.
                if (context.RequestAborted.IsCancellationRequested)
                {
                    Interlocked.Increment(ref fake._aborted);
                }
            }
        };
        app.MapPost("/v1/chat/completions", serve);
        app.MapPost("/v1/responses", serve);
        await app.StartAsync();
        return fake;
    }

    /// <summary>Streams <paramref name="deltas"/> as content chunks, then the finish reason, usage and <c>[DONE]</c>.</summary>
    public static async Task StreamAsync(HttpContext context, IEnumerable<string> deltas, string finishReason, int promptTokens = 7, int? completionTokens = null)
    {
        var count = 0;
        StartStream(context);
        foreach (var delta in deltas)
        {
            await WriteAsync(context, ContentChunk(delta));
            count++;
        }

        await WriteAsync(context, FinishChunk(finishReason));
        await WriteAsync(context, UsageChunk(promptTokens, completionTokens ?? count));
        await WriteAsync(context, "data: [DONE]\n\n");
    }

    /// <summary>Holds the request open, sending nothing more, until its client aborts it (as a hung or stalled upstream).</summary>
    public static async Task UntilAbortedAsync(HttpContext context)
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (context.RequestAborted.Register(() => aborted.TrySetResult()))
        {
            await aborted.Task;
        }
    }

    /// <summary>Sets the status and headers of a stream.</summary>
    public static void StartStream(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
    }

    /// <summary>Writes raw text and flushes it, so it leaves at once as its own piece.</summary>
    public static async Task WriteAsync(HttpContext context, string text) => await WriteAsync(context, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes raw bytes and flushes them.</summary>
    public static async Task WriteAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    /// <summary>An SSE event carrying a content delta.</summary>
    public static string ContentChunk(string delta) =>
        "data: " + JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", choices = new[] { new { index = 0, delta = new { content = delta }, finish_reason = (string?)null } } }) + "\n\n";

    /// <summary>An SSE event carrying the finish reason.</summary>
    public static string FinishChunk(string reason) =>
        "data: " + JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", choices = new[] { new { index = 0, delta = new { }, finish_reason = reason } } }) + "\n\n";

    /// <summary>The usage event (<c>stream_options.include_usage</c>): no choices, the counts.</summary>
    public static string UsageChunk(int promptTokens, int completionTokens) =>
        "data: " + JsonSerializer.Serialize(new { id = "chatcmpl-1", @object = "chat.completion.chunk", choices = Array.Empty<object>(), usage = new { prompt_tokens = promptTokens, completion_tokens = completionTokens, total_tokens = promptTokens + completionTokens } }) + "\n\n";

    /// <summary>A Responses API streaming event (<c>event:</c> and <c>data:</c> lines) of <paramref name="type"/> with <paramref name="fields"/>.</summary>
    public static string ResponsesEvent(string type, object fields)
    {
        var json = JsonSerializer.SerializeToNode(fields)!.AsObject();
        json.Insert(0, "type", type);
        return $"event: {type}\ndata: {json.ToJsonString()}\n\n";
    }

    /// <summary>A Responses API text delta.</summary>
    public static string ResponsesDelta(string delta) => ResponsesEvent("response.output_text.delta", new { item_id = "msg_1", output_index = 0, content_index = 0, delta });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
