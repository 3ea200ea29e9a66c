using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.System.Tests.Recovery;

/// <summary>A node killed with SIGKILL while an upstream model streams into a response.</summary>
public class UpstreamCrashTests
{
    [Fact]
    public async Task Sigkill_DuringAnUpstreamResponse_EndsItFailedAfterRestart_ReplaysWhatWasDurable_AndSendsNothingUpstreamAgain()
    {
        await using var fake = await FakeUpstream.StartAsync();
        // The upstream sends its next token each time the test has read an event: it streams until the kill, and
        // never far ahead of the reader.
        var next = new SemaphoreSlim(0);
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            for (var i = 0; ; i++)
            {
                await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk($"token{i} "));
                await next.WaitAsync(context.RequestAborted);
            }
        };
        using var directory = new TempDirectory("upstream-crash");
        var settings = new Dictionary<string, string>
        {
            ["Resumable:Wal:Directory"] = directory.Path,
            ["Resumable:Auth:Keys:0:Key"] = TestKeys.TenantA,
            ["Resumable:Auth:Keys:0:Tenant"] = "tenant-a",
            ["Resumable:Auth:AdminKey"] = TestKeys.Admin,
            ["Resumable:Models:fake-gpt:BaseUrl"] = fake.BaseUrl.ToString(),
        };

        string id;
        List<SseFrame> seen = [];
        var (server, _) = await ServerProcess.StartAsync(settings);
        using (server)
        {
            using var client = Client(server);
            var created = await client.PostAsJsonAsync("v1/responses", new { model = "fake-gpt", input = "stream until killed", background = true });
            id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            var (response, reader) = await client.OpenStreamAsync(id);
            using (response)
            await using (reader)
            {
                while (seen.Count < 40 && await reader.ReadEventAsync() is { } frame)
                {
                    seen.Add(frame);
                    next.Release();
                }

                server.Kill();
            }
        }

        var (restarted, _) = await ServerProcess.StartAsync(settings);
        using (restarted)
        {
            using var client = Client(restarted);
            var done = await client.GetJsonAsync($"v1/responses/{id}");
            Assert.Equal("failed", done.GetProperty("status").GetString());
            Assert.Equal("server_restarted", done.GetProperty("error").GetProperty("code").GetString());

            var replay = await client.ReadAllEventsAsync(id);
            Assert.Equal("response.failed", replay[^1].Event);
            var durable = replay.Take(replay.Count - 1).ToList();
            Assert.Equal(Enumerable.Range(0, durable.Count).Select(i => (long)i), durable.Select(f => f.SequenceNumber));
            foreach (var (before, after) in seen.Zip(durable))
            {
                Assert.Equal(before.Raw, after.Raw);
            }

            // The interrupted response is not generated again: the upstream saw the one request only.
            // Its output is what was durable: the upstream's tokens from the first, in order, none twice.
            var words = ResponsesApi.OutputText(done).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Enumerable.Range(0, words.Length).Select(i => $"token{i}"), words);
            Assert.Equal(1, fake.Requests);
        }
    }

    private static HttpClient Client(ServerProcess server)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestKeys.TenantA);
        return client;
    }
}
