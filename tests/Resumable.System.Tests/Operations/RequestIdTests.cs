using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Resumable.Testing;

namespace Resumable.System.Tests.Operations;

/// <summary>
/// Every answer carries <c>x-request-id</c>, the official SDK reads it into its errors, the server's log lines about
/// a request carry it, and no key ever reaches the log.
/// </summary>
public partial class RequestIdTests(ObservedServer observed) : IClassFixture<ObservedServer>
{
    [Fact]
    public async Task AnErrorAnswer_CarriesARequestId_ThatTheOfficialSdkReadsIntoItsError()
    {
        var result = await NodeClient.RunAsync("sdk-request-id.mjs", observed.Server.BaseAddress, TestKeys.TenantA, new { id = "resp_does_not_exist" }, TimeSpan.FromSeconds(60));

        Assert.Equal(404, result.GetProperty("status").GetInt32());
        Assert.Matches(GeneratedId(), result.GetProperty("requestId").GetString());
    }

    [Theory]
    [InlineData("/v1/responses", HttpStatusCode.OK)]
    [InlineData("/v1/responses/resp_missing", HttpStatusCode.NotFound)]
    [InlineData("/admin/stats", HttpStatusCode.Unauthorized)]
    [InlineData("/no/such/url", HttpStatusCode.NotFound)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    public async Task EveryAnswer_CarriesAFreshRequestId(string path, HttpStatusCode status)
    {
        using var client = observed.Client();
        using var first = await client.GetAsync(path.TrimStart('/'));
        using var second = await client.GetAsync(path.TrimStart('/'));

        Assert.Equal(status, first.StatusCode);
        var ids = new[] { first, second }.Select(answer => Assert.Single(answer.Headers.GetValues("x-request-id"))).ToList();
        Assert.All(ids, id => Assert.Matches(GeneratedId(), id));
        Assert.NotEqual(ids[0], ids[1]);
    }

    [Theory]
    [InlineData("lb-7f3a:0042", true)]
    [InlineData("has space", false)]
    [InlineData("quote\"d", false)]
    [InlineData("", false)]
    public async Task ACallersOwnPlainRequestId_IsAnsweredBack_AnythingElseIsReplaced(string presented, bool kept)
    {
        using var client = observed.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/responses");
        request.Headers.TryAddWithoutValidation("x-request-id", presented);
        using var answer = await client.SendAsync(request);

        var id = Assert.Single(answer.Headers.GetValues("x-request-id"));
        if (kept)
        {
            Assert.Equal(presented, id);
        }
        else
        {
            Assert.Matches(GeneratedId(), id);
        }
    }

    [Fact]
    public async Task ACallersRequestId_LongerThan128Characters_IsReplaced()
    {
        using var client = observed.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/responses");
        request.Headers.Add("x-request-id", new string('a', 129));
        using var answer = await client.SendAsync(request);

        Assert.Matches(GeneratedId(), Assert.Single(answer.Headers.GetValues("x-request-id")));
    }

    [Fact]
    public async Task TheLogLineOfAnAdmission_CarriesTheRequestId_AndNoKeyReachesTheLog()
    {
        // Keys that were presented, right and wrong, on every kind of route, before the admission whose log line the
        // test waits for: the console logger writes in order, so theirs are written by then.
        const string WrongKey = "sk-wrong-key-never-logged-0005";
        foreach (var key in new[] { WrongKey, TestKeys.TenantA, TestKeys.Admin, ObservedServer.MetricsKey })
        {
            using var keyed = observed.Client(key);
            (await keyed.GetAsync("v1/responses/resp_missing")).Dispose();
            (await keyed.GetAsync("admin/stats")).Dispose();
            (await keyed.GetAsync("metrics")).Dispose();
        }

        var requestId = $"test-admission-{Guid.NewGuid():N}";
        using var client = observed.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent(new { model = "synthetic", input = "logged", background = true, metadata = ResponsesApi.Synthetic(3) }),
        };
        request.Headers.Add("x-request-id", requestId);
        using var answer = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        using var created = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());
        var responseId = created.RootElement.GetProperty("id").GetString()!;

        JsonElement admission = default;
        await Eventually.UntilAsync(
            () => LogEntries(observed.Server.Output).Any(entry =>
                entry.GetProperty("EventId").GetInt32() == 2000
                && entry.GetProperty("Message").GetString()!.Contains(responseId, StringComparison.Ordinal)
                && (admission = entry).ValueKind == JsonValueKind.Object),
            "the admission to be logged");

        var scopes = admission.GetProperty("Scopes").EnumerateArray().ToList();
        Assert.Contains(scopes, scope => scope.TryGetProperty("XRequestId", out var id) && id.GetString() == requestId);

        var log = observed.Server.Output;
        Assert.All([WrongKey, TestKeys.TenantA, TestKeys.Admin, ObservedServer.MetricsKey], key => Assert.DoesNotContain(key, log, StringComparison.Ordinal));
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), global::System.Text.Encoding.UTF8, "application/json");

    // The JSON console formatter writes one object per line; other lines (none expected) are skipped.
    private static IEnumerable<JsonElement> LogEntries(string output)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            JsonElement entry;
            try
            {
                entry = JsonDocument.Parse(line).RootElement.Clone();
            }
            catch (JsonException)
            {
                continue;
            }

            yield return entry;
        }
    }

    [GeneratedRegex("^req_[0-9a-f]{32}$")]
    private static partial Regex GeneratedId();
}
