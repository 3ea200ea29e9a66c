using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Resumable.Server.Tests.Persistence;
using Resumable.Testing;

namespace Resumable.Server.Tests.Recovery;

public class RecoveryEventTests
{
    [Fact]
    public async Task Recover_SecondCrashBeforeTheRecoveryEventWasCommitted_EmitsTheSameBytesUnderTheSameNumber()
    {
        using var crashed = new TempDirectory("crashed");
        using var firstRestart = new TempDirectory("first-restart");
        using var secondRestart = new TempDirectory("second-restart");
        var disk = new StallingDisk();
        string id;
        try
        {
            id = await LeaveAnInterruptedResponseAsync(crashed.Path, disk);

            // Two start-ups from the same durable state, minutes apart: the first one's recovery event never got
            // committed (a second crash), so the second one emits it again.
            CopyDirectory(crashed.Path, firstRestart.Path);
            CopyDirectory(crashed.Path, secondRestart.Path);
        }
        finally
        {
            disk.Recover();
        }

        var first = await RecoveryEventAsync(firstRestart.Path, id, DateTimeOffset.UtcNow.AddMinutes(1));
        var second = await RecoveryEventAsync(secondRestart.Path, id, DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal("response.failed", first.Event);
        Assert.Equal("server_restarted", first.Json.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(first.SequenceNumber, second.SequenceNumber);
        Assert.Equal(first.Raw, second.Raw);
    }

    // A response with durable events and no terminal one, as a crash leaves it: the disk stalls, so the shutdown's
    // own terminal event is never committed, and the log's files are copied before the disk answers again.
    private static async Task<string> LeaveAnInterruptedResponseAsync(string directory, StallingDisk disk)
    {
        var factory = ResumableAppFactory.Create(
            new Dictionary<string, string?> { ["Resumable:Wal:Directory"] = directory, ["Resumable:Wal:ShutdownTimeout"] = "00:00:00.100" },
            disk.ReplaceDevicesOf);
        try
        {
            var client = factory.CreateApiClient();
            var admin = factory.CreateApiClient(TestKeys.Admin);
            var id = await client.CreateBackgroundAsync("interrupted", ResponsesApi.Synthetic(100_000, tokensPerSecond: 100));
            await Eventually.UntilAsync(
                async () => (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response").GetProperty("durable_sequence_number") is { ValueKind: System.Text.Json.JsonValueKind.Number } durable && durable.GetInt64() >= 5,
                "a few durable events");
            disk.Stall();
            await factory.DisposeAsync().AsTask().WaitAsync(Eventually.HangBound);
            return id;
        }
        finally
        {
            await factory.DisposeAsync();
        }
    }

    private static async Task<SseFrame> RecoveryEventAsync(string directory, string id, DateTimeOffset now)
    {
        await using var factory = ResumableAppFactory.Create(
            new Dictionary<string, string?> { ["Resumable:Wal:Directory"] = directory },
            services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(now)));
        var frames = await factory.CreateApiClient().ReadAllEventsAsync(id).WaitAsync(Eventually.HangBound);
        return frames[^1];
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
