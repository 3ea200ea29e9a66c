using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Upstream;

/// <summary>A model whose upstream speaks the Responses API, streamed: its events become ours, its usage and endings too.</summary>
public class ResponsesUpstreamTests
{
    private const string Model = "fake-responses";

    private static ResumableAppFactory Server(FakeUpstream fake) => ResumableAppFactory.Create(new Dictionary<string, string?>
    {
        [$"Resumable:Models:{Model}:BaseUrl"] = fake.BaseUrl.ToString(),
        [$"Resumable:Models:{Model}:Protocol"] = "responses",
        [$"Resumable:Models:{Model}:UpstreamModel"] = "gpt-upstream",
        [$"Resumable:Models:{Model}:StallTimeout"] = "00:00:01",
    });

    private static async Task<JsonElement> RunAsync(FakeUpstream fake, object? request = null)
    {
        await using var server = Server(fake);
        using var client = server.CreateApiClient();
        var created = await client.PostAsJsonAsync("v1/responses", request ?? new { model = Model, input = "Say hello", background = true });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        return await client.WaitForTerminalAsync(id);
    }

    [Fact]
    public async Task StreamedEvents_SplitInsideACharacter_BecomeWholeTextWithTheUpstreamsUsage()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesEvent("response.created", new { response = new { id = "resp_up", status = "in_progress" } }));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesDelta("Grüße "));
            var split = Encoding.UTF8.GetBytes(FakeUpstream.ResponsesDelta("日志"));
            var cut = Array.IndexOf(split, (byte)0xE6) + 1;
            await FakeUpstream.WriteAsync(context, split.AsMemory(0, cut));
            await FakeUpstream.WriteAsync(context, split.AsMemory(cut));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesEvent("response.completed", new { response = new { id = "resp_up", status = "completed", usage = new { input_tokens = 12, output_tokens = 2 } } }));
        };

        var done = await RunAsync(fake, new { model = Model, input = "Say hello", instructions = "Be brief.", max_output_tokens = 32, background = true });

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Grüße 日志", ResponsesApi.OutputText(done));
        Assert.Equal(12, done.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(2, done.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var sent = Assert.Single(fake.Bodies);
        Assert.Equal("gpt-upstream", sent.GetProperty("model").GetString());
        Assert.Equal("Be brief.", sent.GetProperty("instructions").GetString());
        Assert.Equal("Say hello", sent.GetProperty("input")[0].GetProperty("content").GetString());
        Assert.Equal(32, sent.GetProperty("max_output_tokens").GetInt32());
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.False(sent.GetProperty("store").GetBoolean());
    }

    [Fact]
    public async Task IncompleteUpstream_EndsIncompleteWithItsReason()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesDelta("trunc"));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesEvent("response.incomplete", new { response = new { status = "incomplete", incomplete_details = new { reason = "max_output_tokens" }, usage = new { input_tokens = 3, output_tokens = 1 } } }));
        };

        var done = await RunAsync(fake);

        Assert.Equal("incomplete", done.GetProperty("status").GetString());
        Assert.Equal("max_output_tokens", done.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("trunc", ResponsesApi.OutputText(done));
    }

    [Fact]
    public async Task FailedUpstreamResponse_EndsFailedWithThePartialOutputAndItsMessage()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesDelta("so far "));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesEvent("response.failed", new { response = new { status = "failed", error = new { code = "server_error", message = "the model crashed" } } }));
        };

        var done = await RunAsync(fake);

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_error", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("the model crashed", done.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("so far ", ResponsesApi.OutputText(done));
    }

    [Fact]
    public async Task UpstreamEndingWithoutATerminalEvent_EndsFailed()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ResponsesDelta("and then nothing"));
        };

        var done = await RunAsync(fake);

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_error", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("and then nothing", ResponsesApi.OutputText(done));
    }
}
