using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class MalformedRequestTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    // In the bodies below, § stands for a string that is not valid Unicode: an unpaired surrogate escape.
    private const string LoneSurrogate = "\\ud800";

    private readonly HttpClient _client = factory.CreateApiClient();

    private static string WithBad(string template, string bad = LoneSurrogate) => template.Replace("§", bad, StringComparison.Ordinal);

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udfff")]
    [InlineData("\\ud800x")]
    [InlineData("x\\udc00y")]
    [InlineData("\\ud800\\ud800")]
    [InlineData("\\udc00\\ud800")]
    [InlineData("\\ud83d\\ude00\\ud83d")]
    public async Task Create_LoneSurrogateInMetadataValue_Returns400NamingMetadata(string bad)
    {
        var body = WithBad("{\"model\":\"synthetic\",\"input\":\"hi\",\"background\":true,\"metadata\":{\"k\":\"§\"}}", bad);

        var error = await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostJsonTextAsync("v1/responses", body), "metadata.k", "invalid_value");

        Assert.Contains("not valid Unicode", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_LoneSurrogateInMetadataKey_Returns400NamingMetadata()
    {
        var body = WithBad("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{\"§\":\"v\"}}");

        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostJsonTextAsync("v1/responses", body), "metadata", "invalid_value");
    }

    [Theory]
    [InlineData("{\"model\":\"§\",\"input\":\"hi\"}", "model")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"§\"}", "input")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"instructions\":\"§\"}", "instructions")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"user\":\"§\"}", "user")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":\"§\"}]}", "input[0].content")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"§\",\"content\":\"x\"}]}", "input[0].role")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"type\":\"§\",\"role\":\"user\",\"content\":\"x\"}]}", "input[0].type")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"id\":\"§\",\"role\":\"user\",\"content\":\"x\"}]}", "input[0].id")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":\"ok\"},{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"§\"}]}]}", "input[1].content[0].text")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"§\",\"text\":\"x\"}]}]}", "input[0].content[0].type")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{\"synthetic_output_tokens\":\"§\"}}", "metadata.synthetic_output_tokens")]
    public async Task Create_LoneSurrogateInStringField_Returns400NamingTheField(string template, string param)
    {
        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostJsonTextAsync("v1/responses", WithBad(template)), param, "invalid_value");
    }

    [Theory]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"§\":1}", null)]
    [InlineData("{\"§\":\"synthetic\",\"input\":\"hi\"}", null)]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":\"x\",\"§\":true}]}", "input[0]")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"x\",\"§\":0}]}]}", "input[0].content[0]")]
    public async Task Create_LoneSurrogateInPropertyName_Returns400NamingTheObject(string template, string? param)
    {
        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostJsonTextAsync("v1/responses", WithBad(template)), param, "invalid_value");
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { (byte)'a', 0xC3 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    public async Task Create_InvalidUtf8InString_Returns400NamingTheField(byte[] bad)
    {
        var body = new List<byte>(Encoding.UTF8.GetBytes("{\"model\":\"synthetic\",\"input\":\"hi\",\"instructions\":\""));
        body.AddRange(bad);
        body.AddRange(Encoding.UTF8.GetBytes("\"}"));
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostAsync("v1/responses", content), "instructions", "invalid_value");
    }

    [Fact]
    public async Task Create_EscapedSurrogatePair_IsAcceptedAndEchoed()
    {
        var body = "{\"model\":\"synthetic\",\"input\":\"hi \\ud83d\\ude00\",\"background\":true,\"metadata\":{\"\\ud83d\\ude00\":\"\\ud83d\\ude00\"}}";

        var response = await _client.PostJsonTextAsync("v1/responses", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metadata = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("metadata");
        Assert.Equal("\U0001F600", metadata.GetProperty("\U0001F600").GetString());
    }

    [Theory]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"model\":\"synthetic\"}", "model")]
    [InlineData("{\"model\":\"synthetic\",\"\\u006dodel\":\"synthetic\",\"input\":\"hi\"}", "model")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"background\":true,\"background\":false}", "background")]
    [InlineData("{\"model\":\"synthetic\",\"input\":\"hi\",\"metadata\":{\"a\":\"1\",\"a\":\"2\"}}", "metadata.a")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"role\":\"system\",\"content\":\"x\"}]}", "input[0].role")]
    [InlineData("{\"model\":\"synthetic\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\",\"text\":\"b\"}]}]}", "input[0].content[0].text")]
    public async Task Create_DuplicateProperty_Returns400NamingIt(string body, string param)
    {
        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostJsonTextAsync("v1/responses", body), param, "duplicate_parameter");
    }

    [Theory]
    [InlineData("1e400", "invalid_type")]
    [InlineData("-1", "invalid_value")]
    [InlineData("3.5", "invalid_type")]
    [InlineData("99999999999999999999", "invalid_value")]
    [InlineData("-2147483649", "invalid_value")]
    [InlineData("1000001", "invalid_value")]
    public async Task Create_MaxOutputTokensOutOfRange_Returns400NamingIt(string value, string code)
    {
        var body = $"{{\"model\":\"synthetic\",\"input\":\"hi\",\"max_output_tokens\":{value}}}";

        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostJsonTextAsync("v1/responses", body), "max_output_tokens", code);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/xml")]
    public async Task Create_NonJsonContentType_Returns400(string contentType)
    {
        var content = new ByteArrayContent("{\"model\":\"synthetic\",\"input\":\"hi\",\"background\":true}"u8.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        await OpenAIErrorShape.AssertBadRequestAsync(await _client.PostAsync("v1/responses", content), null, "unsupported_content_type");
    }

    [Fact]
    public async Task Create_WithoutContentType_ReadsTheBodyAsJson()
    {
        var content = new ByteArrayContent("{\"model\":\"synthetic\",\"input\":\"hi\",\"background\":true}"u8.ToArray());

        var response = await _client.PostAsync("v1/responses", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("v1/responses", "Bearer \u00ff\u00fe")]
    [InlineData("v1/responses", "Bearer sk-\u00e9\u00e8")]
    [InlineData("v1/responses/resp_00000000000000000000000000000000", "\u00c3\u00a9")]
    [InlineData("admin/stats", "Bearer \u00ff")]
    public async Task Authorization_NonAsciiBytes_Returns401WithTheErrorShape(string path, string authorization)
    {
        using var client = RawHeaderClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var error = await OpenAIErrorShape.AssertAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized);

        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Authorization_KeyWithUtf8Characters_IsAccepted()
    {
        await using var server = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            ["Resumable:Auth:Keys:2:Key"] = "sk-clé-ünïcode-0004",
            ["Resumable:Auth:Keys:2:Tenant"] = "tenant-c",
        });
        server.CreateApiClient();
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8 }) { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/responses");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-clé-ünïcode-0004");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Stream_NonAsciiLastEventId_Returns400NamingIt()
    {
        var id = await _client.CreateBackgroundAsync("cursor bytes", ResponsesApi.Synthetic(3));
        using var client = RawHeaderClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/responses/{id}?stream=true");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.TenantA);
        request.Headers.TryAddWithoutValidation("Last-Event-ID", "\u00ff\u00fe1");

        await OpenAIErrorShape.AssertBadRequestAsync(await client.SendAsync(request), "Last-Event-ID", "invalid_value");
    }

    // HttpClient refuses to send header bytes outside ASCII unless told how to encode them; Latin-1 sends each
    // character below U+0100 as the byte of the same value, so "\u00ff\u00fe" goes out as bytes that are not UTF-8.
    private HttpClient RawHeaderClient() =>
        new(new SocketsHttpHandler { RequestHeaderEncodingSelector = static (_, _) => Encoding.Latin1 })
        {
            BaseAddress = factory.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
}
