using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Resumable.Cli.Connection;

/// <summary>
/// HTTP to one server with one key. Answers other than 2xx become <see cref="ApiException"/> carrying the server's
/// message; streams are opened with their headers read so that their bodies can be followed as they arrive.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    // Requests that are not streams give up after this long; a stream may last as long as its response runs.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(100);

    private readonly HttpClient _http;
    private readonly string? _key;

    public ApiClient(Uri baseAddress, string? key)
    {
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _key = key;
    }

    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Sends a request and returns its JSON body; throws <see cref="ApiException"/> for an error answer.</summary>
    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        using var request = NewRequest(method, path, body);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        await EnsureSuccessAsync(response, timeout.Token).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Sends a request whose answer is a stream and returns once its headers are in; the caller disposes the answer.
    /// Throws <see cref="ApiException"/> for an error answer.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(HttpMethod method, string path, JsonNode? body, long? lastEventId, CancellationToken cancellationToken)
    {
        using var request = NewRequest(method, path, body);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage NewRequest(HttpMethod method, string path, JsonNode? body)
    {
        var request = new HttpRequestMessage(method, path);
        if (_key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var requestId = response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;
        throw new ApiException(response.StatusCode, ErrorMessage(text, response), requestId);
    }

    // The OpenAI error shape {"error":{"message":…}}; anything else (an empty body Kestrel sends, a proxy's page) is named by its status.
    private static string ErrorMessage(string body, HttpResponseMessage response)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!;
            }
        }
        catch (JsonException)
        {
        }

        return $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}";
    }
}
