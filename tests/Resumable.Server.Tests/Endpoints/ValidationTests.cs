using System.Net;
using System.Text;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class ValidationTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    private readonly HttpClient _client = factory.CreateApiClient();

    private static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? param)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("code", out _));
        Assert.Equal(param, error.GetProperty("param").GetString());
        return error;
    }

    [Theory]
    [InlineData("{", null)]
    [InlineData("", null)]
    [InlineData("[1,2]", null)]
    [InlineData("\"just a string\"", null)]
    [InlineData("{\"input\":\"hi\"}", "model")]
    [InlineData("{\"model\":5,\"input\":\"hi\"}", "model")]
    [InlineData("{\"model\":\"synthetic\"}", "input")]
    [InlineData("{\"model\":\"synthetic\",\"input\":42}", "input")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[\"not an item\"]}", "input[0]")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "input[0].role")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\"}]}", "input[0].content")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"x\"}]}]}", "input[0].content[0].type")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"type\":\"function_call\"}]}", "input[0].type")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"background\":\"yes\"}", "background")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"stream\":1}", "stream")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"background\":true,\"store\":false}", "store")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"instructions\":[]}", "instructions")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"max_output_tokens\":0}", "max_output_tokens")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"max_output_tokens\":\"ten\"}", "max_output_tokens")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"max_output_tokens\":1.5}", "max_output_tokens")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"temperature\":9}", "temperature")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":[]}", "metadata")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{\"k\":1}}", "metadata.k")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{\"synthetic_ttft_ms\":\"-5\"}}", "metadata.synthetic_ttft_ms")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{\"synthetic_emit_timestamps\":\"maybe\"}}", "metadata.synthetic_emit_timestamps")]
    [InlineData("{\"model\":\"no-such-model\",\"input\":\"hi\"}", "model")]
    public async Task Create_InvalidBody_Returns400NamingTheParameter(string body, string? param)
    {
        var response = await _client.PostJsonTextAsync("v1/responses", body);
        var error = await AssertErrorAsync(response, HttpStatusCode.BadRequest, param);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Create_MetadataLimits_AreEnforced()
    {
        var tooMany = "{" + string.Join(",", Enumerable.Range(0, 17).Select(i => $"\"k{i}\":\"v\"")) + "}";
        var longKey = $"{{\"{new string('k', 65)}\":\"v\"}}";
        var longValue = $"{{\"k\":\"{new string('v', 513)}\"}}";

        await AssertErrorAsync(await _client.PostJsonTextAsync("v1/responses", $"{{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{tooMany}}}"), HttpStatusCode.BadRequest, "metadata");
        await AssertErrorAsync(await _client.PostJsonTextAsync("v1/responses", $"{{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{longKey}}}"), HttpStatusCode.BadRequest, "metadata");
        await AssertErrorAsync(await _client.PostJsonTextAsync("v1/responses", $"{{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{longValue}}}"), HttpStatusCode.BadRequest, "metadata.k");
    }

    [Fact]
    public async Task Create_OversizedBodyWithContentLength_Returns413()
    {
        var body = $"{{\"model\":\"synthetic\",\"input\":\"{new string('x', 2 * 1024 * 1024)}\"}}";
        var error = await AssertErrorAsync(await _client.PostJsonTextAsync("v1/responses", body), HttpStatusCode.RequestEntityTooLarge, null);
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Create_OversizedChunkedBody_Returns413()
    {
        var bytes = Encoding.UTF8.GetBytes($"{{\"model\":\"synthetic\",\"input\":\"{new string('x', 2 * 1024 * 1024)}\"}}");
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        await AssertErrorAsync(await _client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, null);
    }

    [Theory]
    [InlineData("starting_after=-1", null, "starting_after")]
    [InlineData("starting_after=abc", null, "starting_after")]
    [InlineData("starting_after=1.5", null, "starting_after")]
    [InlineData("starting_after=99999", null, "starting_after")]
    [InlineData("starting_after=99999999999999999999999", null, "starting_after")]
    [InlineData("starting_after=1", "x", "Last-Event-ID")]
    [InlineData("", "-3", "Last-Event-ID")]
    public async Task Stream_BadCursor_Returns400NamingTheParameter(string query, string? lastEventId, string param)
    {
        var id = await _client.CreateBackgroundAsync("cursor checks", ResponsesApi.Synthetic(5));
        await _client.WaitForTerminalAsync(id);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/responses/{id}?stream=true&{query}");
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        await AssertErrorAsync(await _client.SendAsync(request), HttpStatusCode.BadRequest, param);
    }

    [Fact]
    public async Task Retrieve_BadStreamFlag_Returns400()
    {
        var id = await _client.CreateBackgroundAsync("flag", ResponsesApi.Synthetic(3));
        await AssertErrorAsync(await _client.GetAsync($"v1/responses/{id}?stream=maybe"), HttpStatusCode.BadRequest, "stream");
    }

    [Theory]
    [InlineData("GET", "v1/responses/resp_00000000000000000000000000000000")]
    [InlineData("GET", "v1/responses/not-even-an-id?stream=true")]
    [InlineData("POST", "v1/responses/resp_00000000000000000000000000000000/cancel")]
    [InlineData("DELETE", "v1/responses/resp_00000000000000000000000000000000")]
    [InlineData("GET", "v1/responses/resp_00000000000000000000000000000000/input_items")]
    [InlineData("GET", "v1/no-such-route")]
    public async Task UnknownIdOrRoute_Returns404WithTheErrorShape(string method, string path)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertErrorAsync(response, HttpStatusCode.NotFound, null);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("order=sideways", "order")]
    [InlineData("status=sleeping", "status")]
    [InlineData("after=resp_00000000000000000000000000000000", "after")]
    public async Task List_BadParameter_Returns400NamingIt(string query, string param)
    {
        await AssertErrorAsync(await _client.GetAsync($"v1/responses?{query}"), HttpStatusCode.BadRequest, param);
    }
}
