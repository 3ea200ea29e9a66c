using System.Net;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class AdminEndpointsTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    private readonly HttpClient _admin = factory.CreateApiClient(TestKeys.Admin);

    [Fact]
    public async Task AdminRoutes_WithATenantKey_Return401()
    {
        var tenant = factory.CreateApiClient(TestKeys.TenantA);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync("admin/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.GetAsync("admin/responses")).StatusCode);
    }

    [Fact]
    public async Task ListResponses_SpansTenantsAndFiltersByTenant()
    {
        var idA = await factory.CreateApiClient(TestKeys.TenantA).CreateBackgroundAsync("a", ResponsesApi.Synthetic(2));
        var idB = await factory.CreateApiClient(TestKeys.TenantB).CreateBackgroundAsync("b", ResponsesApi.Synthetic(2));

        var all = (await _admin.GetJsonAsync("admin/responses?limit=100")).GetProperty("data").EnumerateArray().ToList();
        var onlyB = (await _admin.GetJsonAsync("admin/responses?tenant=tenant-b&limit=100")).GetProperty("data").EnumerateArray().ToList();

        Assert.Contains(all, r => r.GetProperty("id").GetString() == idA && r.GetProperty("tenant").GetString() == "tenant-a");
        Assert.Contains(all, r => r.GetProperty("id").GetString() == idB);
        Assert.All(onlyB, r => Assert.Equal("tenant-b", r.GetProperty("tenant").GetString()));
    }

    [Fact]
    public async Task WithoutAWriteAheadLog_AResponseHasNoDurableCursorAndNoDurableLag()
    {
        // Durability none: nothing is ever durable, so nothing is behind (the dashboard would otherwise show every
        // row lagging and keep reading it again).
        await using var memoryOnly = ResumableAppFactory.Create(new Dictionary<string, string?> { ["Resumable:Wal:Durability"] = "None" });
        var id = await memoryOnly.CreateApiClient(TestKeys.TenantA).CreateBackgroundAsync("none", ResponsesApi.Synthetic(3));
        await memoryOnly.CreateApiClient(TestKeys.TenantA).WaitForTerminalAsync(id);

        var row = (await memoryOnly.CreateApiClient(TestKeys.Admin).GetJsonAsync($"admin/responses/{id}")).GetProperty("response");
        Assert.Equal(global::System.Text.Json.JsonValueKind.Null, row.GetProperty("durable_sequence_number").ValueKind);
        Assert.Equal(0, row.GetProperty("durable_lag").GetInt64());
        var listed = (await memoryOnly.CreateApiClient(TestKeys.Admin).GetJsonAsync("admin/responses")).GetProperty("data")[0];
        Assert.Equal(0, listed.GetProperty("durable_lag").GetInt64());
    }

    [Fact]
    public async Task InspectResponse_ShowsItsEventsWithNumbersTypesAndPayloads()
    {
        var client = factory.CreateApiClient(TestKeys.TenantA);
        var id = await client.CreateBackgroundAsync("inspect", ResponsesApi.Synthetic(4));
        await client.WaitForTerminalAsync(id);
        var frames = await client.ReadAllEventsAsync(id);

        var detail = await _admin.GetJsonAsync($"admin/responses/{id}");
        var events = detail.GetProperty("events").EnumerateArray().ToList();

        Assert.Equal("completed", detail.GetProperty("response").GetProperty("status").GetString());
        Assert.Equal(frames.Select(f => f.SequenceNumber), events.Select(e => e.GetProperty("sequence_number").GetInt64()));
        Assert.Equal(frames.Select(f => f.Event), events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(frames.Select(f => f.Raw.Length), events.Select(e => e.GetProperty("bytes").GetInt32()));
        Assert.Equal("response.created", events[0].GetProperty("data").GetProperty("type").GetString());
        Assert.True(detail.GetProperty("response").GetProperty("expires_at").GetInt64() > detail.GetProperty("response").GetProperty("completed_at").GetInt64());
    }

    [Fact]
    public async Task Stats_ReportQueueJobsStreamsAndRetainedResponses()
    {
        var client = factory.CreateApiClient(TestKeys.TenantA);
        var id = await client.CreateBackgroundAsync("stats", ResponsesApi.Synthetic(5000, tokensPerSecond: 50));
        var (response, reader) = await client.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            await reader.ReadEventAsync();
            var stats = await _admin.GetJsonAsync("admin/stats");
            var inspect = await _admin.GetJsonAsync($"admin/responses/{id}?limit=1");

            Assert.True(stats.GetProperty("active_streams").GetInt64() >= 1);
            Assert.True(stats.GetProperty("retained_responses").GetInt32() >= 1);
            Assert.True(stats.GetProperty("queue").GetProperty("capacity").GetInt32() > 0);
            Assert.Equal("async", stats.GetProperty("durability").GetString());
            Assert.Equal(1, inspect.GetProperty("response").GetProperty("readers").GetInt32());
            Assert.Single(inspect.GetProperty("events").EnumerateArray());
        }

        await client.PostAsync($"v1/responses/{id}/cancel", null);
    }

    [Fact]
    public async Task HealthAndOpenApi_AreServed()
    {
        var anonymous = factory.CreateApiClient(apiKey: null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("readyz")).StatusCode);
        var document = await anonymous.GetJsonAsync("openapi/v1.json");
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/responses/{id}", out _));
        Assert.True(document.GetProperty("paths").TryGetProperty("/v1/responses", out _));
    }
}
