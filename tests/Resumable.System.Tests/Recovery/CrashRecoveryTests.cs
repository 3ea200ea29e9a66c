using System.Net.Http.Headers;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.System.Tests.Recovery;

public class CrashRecoveryTests(ITestOutputHelper output)
{
    private static Dictionary<string, string> Settings(string walDirectory) => new()
    {
        ["Resumable:Wal:Directory"] = walDirectory,
        ["Resumable:Auth:Keys:0:Key"] = TestKeys.TenantA,
        ["Resumable:Auth:Keys:0:Tenant"] = "tenant-a",
        ["Resumable:Auth:AdminKey"] = TestKeys.Admin,

        // Finished responses go cold at once (the sweep runs every 50 ms), so kills also land during
        // consolidations and later lifetimes replay earlier responses from their cold copies.
        ["Resumable:Retention:HotBytesLimit"] = "0",
        ["Resumable:Retention:SweepInterval"] = "00:00:00.050",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Resumable"] = "Information",
    };

    private static HttpClient Client(ServerProcess server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static Task WaitUntilColdAsync(HttpClient admin, string id) =>
        Eventually.UntilAsync(
            async () => (await admin.GetJsonAsync($"admin/responses/{id}?limit=1")).GetProperty("response").GetProperty("storage").GetString() == "wal",
            $"{id} to go cold");

    [Fact]
    public async Task Sigkill_AtRandomMoments_KeepsEveryDurableEventAndEndsInterruptedResponsesWithAFailure()
    {
        using var directory = new TempDirectory("crash");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        var finishedIds = new List<(string Id, byte[] Bytes)>();
        for (var round = 0; round < 4; round++)
        {
            var (server, _) = await ServerProcess.StartAsync(Settings(directory.Path));
            string runningId;
            List<SseFrame> seen;
            long durable;
            using (server)
            {
                var client = Client(server, TestKeys.TenantA);
                var admin = Client(server, TestKeys.Admin);

                // Every response finished in an earlier lifetime is cold by now and still replays byte for byte.
                foreach (var (id, bytes) in finishedIds)
                {
                    await WaitUntilColdAsync(admin, id);
                    Assert.Equal(bytes, (await client.ReadAllEventsAsync(id)).SelectMany(f => f.Raw).ToArray());
                }

                var finished = await client.CreateBackgroundAsync($"finished in round {round}", ResponsesApi.Synthetic(30));
                await client.WaitForTerminalAsync(finished);
                finishedIds.Add((finished, (await client.ReadAllEventsAsync(finished)).SelectMany(f => f.Raw).ToArray()));

                runningId = await client.CreateBackgroundAsync($"running in round {round}", ResponsesApi.Synthetic(100_000, tokensPerSecond: 2_000));
                var (response, reader) = await client.OpenStreamAsync(runningId);
                seen = [];
                var target = random.Next(20, 2_000);
                using (response)
                await using (reader)
                {
                    while (seen.Count < target && await reader.ReadEventAsync() is { } frame)
                    {
                        seen.Add(frame);
                    }

                    // The durable cursor the service reports; the kill lands while events keep being produced, after a
                    // random few more of them have reached this reader.
                    // Null while none of its events is durable yet (a kill before the first commit): nothing is promised.
                    var cursor = (await admin.GetJsonAsync($"admin/responses/{runningId}?limit=1")).GetProperty("response").GetProperty("durable_sequence_number");
                    durable = cursor.ValueKind == global::System.Text.Json.JsonValueKind.Null ? -1 : cursor.GetInt64();
                    for (var more = random.Next(0, 20); more > 0 && await reader.ReadEventAsync() is { } frame; more--)
                    {
                        seen.Add(frame);
                    }

                    server.Kill();
                }
            }

            var (restarted, recoveryTime) = await ServerProcess.StartAsync(Settings(directory.Path));
            using (restarted)
            {
                output.WriteLine($"round {round}: client saw {seen.Count} events, durable cursor {durable}, restart to healthy in {recoveryTime.TotalMilliseconds:F0} ms");
                var client = Client(restarted, TestKeys.TenantA);
                var replay = await client.ReadAllEventsAsync(runningId).WaitAsync(Eventually.HangBound);

                // Every event at or below the reported durable cursor replays byte-identically.
                var durablePrefix = seen.Where(f => f.SequenceNumber <= durable).ToList();
                Assert.True(replay.Count > durablePrefix.Count);
                Assert.Equal(durablePrefix.SelectMany(f => f.Raw), replay.Take(durablePrefix.Count).SelectMany(f => f.Raw));

                // Nothing duplicated, numbers rise, and the one terminal event is the restart failure above
                // every number the client saw.
                var numbers = replay.Select(f => f.SequenceNumber).ToList();
                Assert.Equal(numbers.Order(), numbers);
                Assert.Equal(numbers.Count, numbers.Distinct().Count());
                var terminal = Assert.Single(replay, f => f.IsTerminal);
                Assert.Same(replay[^1], terminal);
                Assert.Equal("response.failed", terminal.Event);
                Assert.Equal("server_restarted", terminal.Json.GetProperty("response").GetProperty("error").GetProperty("code").GetString());
                Assert.True(terminal.SequenceNumber > seen[^1].SequenceNumber);

                // No number the client saw carries other content now: every seen event still in the log is identical.
                var byNumber = replay.ToDictionary(f => f.SequenceNumber);
                Assert.All(seen, f => Assert.True(!byNumber.TryGetValue(f.SequenceNumber, out var now) || now.Raw.AsSpan().SequenceEqual(f.Raw), $"event {f.SequenceNumber} changed"));

                // A client resuming from the last number it was given gets exactly the rest and reaches the failure.
                var rest = await client.ReadAllEventsAsync(runningId, startingAfter: seen[^1].SequenceNumber).WaitAsync(Eventually.HangBound);
                Assert.Equal(replay.Where(f => f.SequenceNumber > seen[^1].SequenceNumber).SelectMany(f => f.Raw), rest.SelectMany(f => f.Raw));
                Assert.Equal(terminal.SequenceNumber, rest[^1].SequenceNumber);
                finishedIds.Add((runningId, replay.SelectMany(f => f.Raw).ToArray()));
            }
        }
    }
}
