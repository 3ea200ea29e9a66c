using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Entries;
using Resumable.Core.Retention;
using Resumable.Testing;

namespace Resumable.Server.Tests.Persistence;

/// <summary>
/// Sync durability: no reply, poll, list or admin view shows an outcome before its event is committed. A stalled
/// disk holds the commit back for as long as the test wants, so the interleaving is forced, not hoped for.
/// </summary>
public class SyncVisibilityTests
{
    private static ResumableAppFactory SyncServer(StallingDisk disk) => ResumableAppFactory.Create(
        new Dictionary<string, string?> { ["Resumable:Wal:Durability"] = "Sync" },
        disk.ReplaceDevicesOf);

    [Fact]
    public async Task Cancel_WhileTheCommitIsHeldBack_NothingShowsCancelledUntilTheTerminalEventIsCommitted()
    {
        var disk = new StallingDisk();
        await using var factory = SyncServer(disk);
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);
        var id = await client.CreateBackgroundAsync("cancelled during a stall", ResponsesApi.Synthetic(100_000, tokensPerSecond: 100));
        await client.WaitForStatusAsync(id, "in_progress");

        disk.Stall();
        var cancel = client.PostAsync($"v1/responses/{id}/cancel", null);
        await WaitUntilSequencedTerminalAsync(factory, id);

        await AssertShownAsync(client, admin, id, "in_progress");
        Assert.False(cancel.IsCompleted, "the cancel answered before its terminal event was committed");

        disk.Recover();
        var answer = JsonDocument.Parse(await (await cancel.WaitAsync(Eventually.HangBound)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("cancelled", answer.GetProperty("status").GetString());
        await AssertShownAsync(client, admin, id, "cancelled");
    }

    [Fact]
    public async Task ForegroundCreate_WhileTheCommitIsHeldBack_AnswersCompletedOnlyAfterTheCommit()
    {
        var disk = new StallingDisk();
        await using var factory = SyncServer(disk);
        var client = factory.CreateApiClient();
        var admin = factory.CreateApiClient(TestKeys.Admin);

        disk.Stall();
        var create = client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input = "answered after the commit", metadata = ResponsesApi.Synthetic(20) });
        var id = await WaitForOnlyResponseAsync(factory);
        await WaitUntilSequencedTerminalAsync(factory, id);

        await AssertShownAsync(client, admin, id, "queued");
        Assert.False(create.IsCompleted, "the foreground create answered before its terminal event was committed");

        disk.Recover();
        var answer = JsonDocument.Parse(await (await create.WaitAsync(Eventually.HangBound)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("completed", answer.GetProperty("status").GetString());
        Assert.Equal(20, answer.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        await AssertShownAsync(client, admin, id, "completed");
    }

    // Every view of the response agrees on its status, and none shows it finished before it is.
    private static async Task AssertShownAsync(HttpClient client, HttpClient admin, string id, string status)
    {
        var retrieved = await client.GetJsonAsync($"v1/responses/{id}");
        var listed = (await client.GetJsonAsync("v1/responses")).GetProperty("data").EnumerateArray().Single(r => r.GetProperty("id").GetString() == id);
        var inspected = (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response");

        Assert.Equal(status, retrieved.GetProperty("status").GetString());
        Assert.Equal(status, listed.GetProperty("status").GetString());
        Assert.Equal(status, inspected.GetProperty("status").GetString());
        var finished = status is "completed" or "cancelled";
        Assert.Equal(finished, retrieved.GetProperty("completed_at").ValueKind == JsonValueKind.Number);
        Assert.Equal(finished, inspected.GetProperty("completed_at").ValueKind == JsonValueKind.Number);
    }

    // The terminal event has been sequenced (and queued for the log): only its commit is outstanding.
    private static async Task WaitUntilSequencedTerminalAsync(ResumableAppFactory factory, string id)
    {
        var registry = factory.Services.GetRequiredService<ResponseRegistry>();
        Assert.True(registry.TryGetAnyTenant(id, out var entry));
        await Eventually.UntilAsync(() => IsTerminalAsSequenced(entry), $"the terminal event of {id}");
    }

    private static bool IsTerminalAsSequenced(ResponseEntry entry)
    {
        lock (entry.Gate)
        {
            return entry.IsTerminal;
        }
    }

    private static async Task<string> WaitForOnlyResponseAsync(ResumableAppFactory factory)
    {
        var registry = factory.Services.GetRequiredService<ResponseRegistry>();
        await Eventually.UntilAsync(() => registry.Count > 0, "the foreground response to be admitted");
        return Assert.Single(registry.Snapshot(tenant: null)).Id;
    }
}
