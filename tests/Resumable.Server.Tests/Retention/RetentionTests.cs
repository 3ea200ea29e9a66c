using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Testing;

namespace Resumable.Server.Tests.Retention;

public class RetentionTests
{
    [Fact]
    public async Task FinishedResponse_AfterTheRetentionWindow_Answers404AndIsReleased()
    {
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var id = await client.CreateBackgroundAsync("short-lived", ResponsesApi.Synthetic(5));
        await client.WaitForTerminalAsync(id);

        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.NotEmpty(await client.ReadAllEventsAsync(id));

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}?stream=true")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"v1/responses/{id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"admin/responses/{id}")).StatusCode);

        // The sweeper runs every 50 ms in tests; bounded wait for it to free the memory.
        for (var attempt = 0; attempt < 200 && (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32() > 0; attempt++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(0, (await admin.GetJsonAsync("admin/stats")).GetProperty("retained_responses").GetInt32());
    }

    [Fact]
    public async Task RunningResponse_NeverExpiresBeforeItFinishes()
    {
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var id = await client.CreateBackgroundAsync("long-running", ResponsesApi.Synthetic(5000, tokensPerSecond: 20));

        clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
        await client.PostAsync($"v1/responses/{id}/cancel", null);
    }
}
