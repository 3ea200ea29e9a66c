using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Resumable.Core.Diagnostics;
using Resumable.Core.Generation;
using Resumable.Core.Responses;

namespace Resumable.Server.Upstream;

/// <summary>
/// Serves the models configured under <c>Resumable:Models</c> from their OpenAI-compatible upstreams, with the Chat
/// Completions or the Responses streaming protocol (<see cref="IUpstreamProtocol"/>). Each delta is handed on the moment its line is complete (no token batching); a
/// request refused before its first token (429, 5xx, a failed connection) is retried with backoff and jitter up to
/// <see cref="UpstreamModelOptions.MaxRetries"/>; after the first token any failure, disconnect or stall ends the
/// response failed with the partial output kept and the upstream's reason. Cancelling the response aborts the
/// upstream request at once. At most <see cref="UpstreamModelOptions.MaxConcurrency"/> responses per model run
/// against the upstream; the others wait for a turn.
/// </summary>
internal sealed class UpstreamGenerator : IGenerator
{
    /// <summary>The prefix of the upstream clients' names.</summary>
    public const string ClientNamePrefix = "upstream:";

    /// <summary>The named <see cref="HttpClient"/> of a model.</summary>
    public static string ClientName(string model) => ClientNamePrefix + model;

    // How long the end of an upstream's stream is waited for after its [DONE]: it normally comes with it.
    private static readonly TimeSpan DrainBound = TimeSpan.FromMilliseconds(100);

    private static readonly HashSet<HttpStatusCode> Retryable =
        [HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout];

    private readonly Dictionary<string, UpstreamModelOptions> _models;
    private readonly Dictionary<string, SemaphoreSlim> _turns;
    private readonly Dictionary<string, string?> _keys;
    private readonly Dictionary<string, IUpstreamProtocol> _protocols;
    private readonly IHttpClientFactory _clients;
    private readonly TimeProvider _timeProvider;
    private readonly ResumableMetrics _metrics;

    public UpstreamGenerator(IOptions<Dictionary<string, UpstreamModelOptions>> models, IHttpClientFactory clients, TimeProvider timeProvider, ResumableMetrics metrics)
    {
        _models = new Dictionary<string, UpstreamModelOptions>(models.Value, StringComparer.Ordinal);
        _turns = _models.ToDictionary(static m => m.Key, static m => new SemaphoreSlim(m.Value.MaxConcurrency, m.Value.MaxConcurrency), StringComparer.Ordinal);
        _keys = _models.ToDictionary(
            static m => m.Key,
            static m => m.Value.ApiKeyEnvironmentVariable is { Length: > 0 } variable ? Environment.GetEnvironmentVariable(variable) : m.Value.ApiKey,
            StringComparer.Ordinal);
        _protocols = _models.ToDictionary(
            static m => m.Key,
            static m => m.Value.Protocol == "responses" ? (IUpstreamProtocol)new ResponsesProtocol() : new ChatCompletionsProtocol(),
            StringComparer.Ordinal);
        _clients = clients;
        _timeProvider = timeProvider;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public bool Serves(string model) => _models.ContainsKey(model);

    /// <inheritdoc />
    public RequestProblem? Validate(ResponseRequest request) => null;

    /// <inheritdoc />
    public int CountInputTokens(ResponseRequest request)
    {
        // An estimate (about four characters a token) until the upstream reports its own count with the last chunk.
        var characters = request.Instructions?.Length ?? 0;
        foreach (var message in request.Input)
        {
            foreach (var part in message.Parts)
            {
                characters += part.Text.Length;
            }
        }

        return (characters + 3) / 4;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<GeneratedChunk> GenerateAsync(ResponseRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = _models[request.Model];
        var turns = _turns[request.Model];
        await turns.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var response = await SendAsync(request, options, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new UpstreamSseReader(body, _timeProvider, cancellationToken);
            var protocol = _protocols[request.Model];
            var text = new UpstreamText();
            var started = false;
            var finished = false;
            string? incomplete = null;
            int? input = null, output = null;
            while (true)
            {
                var (found, chunk) = await ReadChunkAsync(reader, protocol, text, started ? options.StallTimeout : options.FirstTokenTimeout, request.Model, cancellationToken).ConfigureAwait(false);
                if (!found)
                {
                    break;
                }

                if (chunk.Error is { } error)
                {
                    throw new GenerationFailedException("upstream_error", $"The upstream of model '{request.Model}' reported an error mid-stream: {Redact(error, request.Model)}");
                }

                if (chunk.Content is { Length: > 0 } content)
                {
                    started = true;
                    yield return new GeneratedChunk(content, EndsToken: true);
                }

                finished |= chunk.Finished;
                incomplete = chunk.IncompleteReason ?? incomplete;
                input = chunk.InputTokens ?? input;
                output = chunk.OutputTokens ?? output;
            }

            if (!finished)
            {
                throw new GenerationFailedException("upstream_error", $"The upstream of model '{request.Model}' closed the stream before its last event (no finish reason).");
            }

            if (text.Flush() is { Length: > 0 } held)
            {
                yield return new GeneratedChunk(held, EndsToken: false);
            }

            yield return new GeneratedChunk(ReadOnlyMemory<byte>.Empty, EndsToken: false, new GenerationEnd(incomplete, input, output));
        }
        finally
        {
            turns.Release();
        }
    }

    // The next chunk, or false at [DONE] or the end of the stream; every way the upstream can break becomes a failure that says how.
    private async Task<(bool Found, UpstreamChunk Chunk)> ReadChunkAsync(
        UpstreamSseReader reader, IUpstreamProtocol protocol, UpstreamText text, TimeSpan timeout, string model, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<byte> data;
        try
        {
            (var found, data) = await reader.ReadDataAsync(timeout).ConfigureAwait(false);
            if (!found)
            {
                return (false, default);
            }

            if (data.Span.SequenceEqual("[DONE]"u8))
            {
                // Read to the body's end before the response ends: its connection is then back in the pool before
                // the caller can send the next request, which would otherwise open a connection of its own.
                await reader.DrainAsync(DrainBound).ConfigureAwait(false);
                return (false, default);
            }
        }
        catch (OperationCanceledException) when (reader.TimedOut)
        {
            throw new GenerationFailedException("upstream_timeout", $"The upstream of model '{model}' sent nothing for {timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new GenerationFailedException("upstream_error", $"The connection to the upstream of model '{model}' broke: {e.Message}");
        }

        try
        {
            return (true, protocol.Parse(data, text));
        }
        catch (JsonException e)
        {
            throw new GenerationFailedException("upstream_error", $"The upstream of model '{model}' sent a chunk that is not JSON: {e.Message}");
        }
    }

    // Sends the request; before any token a refusal that may pass (429, 5xx, no connection) is retried with backoff.
    // A loop of its own rather than a resilience handler in the client's pipeline: the failure it ends in quotes the
    // upstream's last refusal (its body, with the key redacted), and the budget and timeout are the model's options.
    private async Task<HttpResponseMessage> SendAsync(ResponseRequest request, UpstreamModelOptions options, CancellationToken cancellationToken)
    {
        var client = _clients.CreateClient(ClientName(request.Model));
        var protocol = _protocols[request.Model];
        var body = protocol.WriteRequest(request, options.UpstreamModel ?? request.Model);
        var url = new Uri(options.BaseUrl!.ToString().TrimEnd('/') + protocol.Path);
        for (var attempt = 0; ; attempt++)
        {
            // SendAsync takes the version from the message, not from the client's defaults: ask for HTTP/2 here.
            using var message = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(body),
                Version = client.DefaultRequestVersion,
                VersionPolicy = client.DefaultVersionPolicy,
            };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (_keys[request.Model] is { Length: > 0 } key)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            string refusal;
            TimeSpan? retryAfter = null;
            // On the server's clock, as every other wait of the generator.
            using var deadline = new CancellationTokenSource(options.FirstTokenTimeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    _metrics.UpstreamRequestEnded(request.Model, "ok");
                    return response;
                }

                using (response)
                {
                    _metrics.UpstreamRequestEnded(request.Model, response.StatusCode switch
                    {
                        HttpStatusCode.TooManyRequests => "throttled",
                        var code when Retryable.Contains(code) => "error",
                        _ => "rejected",
                    });
                    var text = await ReadErrorAsync(response, linked.Token).ConfigureAwait(false);
                    refusal = $"{(int)response.StatusCode} {response.ReasonPhrase}: {Redact(text, request.Model)}";
                    retryAfter = response.Headers.RetryAfter?.Delta;
                    if (!Retryable.Contains(response.StatusCode))
                    {
                        throw new GenerationFailedException("upstream_rejected", $"The upstream of model '{request.Model}' refused the request ({refusal}).");
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _metrics.UpstreamRequestEnded(request.Model, "timeout");
                refusal = $"no answer within {options.FirstTokenTimeout.TotalSeconds:0.###} s";
            }
            catch (HttpRequestException e)
            {
                _metrics.UpstreamRequestEnded(request.Model, "error");
                refusal = Redact(e.Message, request.Model);
            }

            if (attempt >= options.MaxRetries)
            {
                throw new GenerationFailedException("upstream_unavailable", $"The upstream of model '{request.Model}' did not take the request after {attempt + 1} attempts; the last: {refusal}.");
            }

            await Task.Delay(Backoff(options.RetryDelay, attempt, retryAfter), _timeProvider, cancellationToken).ConfigureAwait(false);
            _metrics.UpstreamRetried(request.Model);
        }
    }

    // The first delay doubling per attempt up to 8 s, jittered by ±50 %, or what the upstream asked for (up to 30 s).
    private static TimeSpan Backoff(TimeSpan first, int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } asked && asked > TimeSpan.Zero)
        {
            return asked < TimeSpan.FromSeconds(30) ? asked : TimeSpan.FromSeconds(30);
        }

        var baseMs = Math.Min(8_000, first.TotalMilliseconds * (1 << Math.Min(attempt, 5)));
        return TimeSpan.FromMilliseconds(baseMs * (0.5 + Random.Shared.NextDouble()));
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.TryGetProperty("error", out var error))
            {
                text = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) ? message.GetString() ?? text : error.ToString();
            }
        }
        catch (JsonException)
        {
        }

        return text.Length > 500 ? text[..500] + "…" : text;
    }

    // An upstream may quote the key it was given; it never reaches a response, a log or an event.
    private string Redact(string text, string model) =>
        _keys[model] is { Length: > 0 } key ? text.Replace(key, "[redacted]", StringComparison.Ordinal) : text;
}
