using System.Net;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class TenancyTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    [Theory]
    [InlineData("GET", "")]
    [InlineData("GET", "?stream=true")]
    [InlineData("GET", "?stream=true&starting_after=2")]
    [InlineData("POST", "/cancel")]
    [InlineData("DELETE", "")]
    [InlineData("GET", "/input_items")]
    public async Task AnotherTenantsResponse_IsReportedAsNotFound(string method, string suffix)
    {
        var owner = factory.CreateApiClient(TestKeys.TenantA);
        var stranger = factory.CreateApiClient(TestKeys.TenantB);
        var id = await owner.CreateBackgroundAsync("mine", ResponsesApi.Synthetic(5));
        await owner.WaitForTerminalAsync(id);

        var response = await stranger.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"v1/responses/{id}{suffix}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("completed", (await owner.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task List_ShowsOnlyTheCallersResponses()
    {
        var a = factory.CreateApiClient(TestKeys.TenantA);
        var b = factory.CreateApiClient(TestKeys.TenantB);
        var idA = await a.CreateBackgroundAsync("a", ResponsesApi.Synthetic(3));
        var idB = await b.CreateBackgroundAsync("b", ResponsesApi.Synthetic(3));

        var listedByB = (await b.GetJsonAsync("v1/responses?limit=100")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();

        Assert.Contains(idB, listedByB);
        Assert.DoesNotContain(idA, listedByB);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-not-a-real-key")]
    [InlineData("sk-test-tenant-a-000")]
    [InlineData("sk-test-tenant-a-00011")]
    [InlineData(TestKeys.Admin)]
    public async Task Request_WithoutAValidTenantKey_Returns401(string? key)
    {
        var client = factory.CreateApiClient(key);
        var response = await client.GetAsync("v1/responses");
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task OpenMode_NoKeysConfigured_AcceptsAnyCaller()
    {
        await using var open = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            ["Resumable:Auth:Keys:0:Key"] = null,
            ["Resumable:Auth:Keys:0:Tenant"] = null,
            ["Resumable:Auth:Keys:1:Key"] = null,
            ["Resumable:Auth:Keys:1:Tenant"] = null,
            ["Resumable:Auth:AdminKey"] = null,
        });
        var anonymous = open.CreateApiClient(apiKey: null);

        var id = await anonymous.CreateBackgroundAsync("open", ResponsesApi.Synthetic(3));

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("admin/stats")).StatusCode);
    }
}
