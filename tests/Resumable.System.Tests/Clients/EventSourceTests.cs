using Resumable.Testing;

namespace Resumable.System.Tests.Clients;

public class EventSourceTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    [Theory]
    [InlineData(1_500)]
    [InlineData(6_000)]
    public async Task EventSource_ConnectionCutMidStream_ReconnectsWithLastEventIdAndGetsTheTextOnce(int cutAfterBytes)
    {
        factory.CreateApiClient();
        var result = await NodeClient.RunAsync(
            "eventsource-resume.mjs",
            factory.BaseAddress,
            TestKeys.TenantA,
            new { input = $"browser-style client, cut after {cutAfterBytes} bytes", metadata = ResponsesApi.Synthetic(80, tokensPerSecond: 100), cutAfterBytes },
            TimeSpan.FromSeconds(90));

        var sequence = result.GetProperty("sequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var headers = result.GetProperty("lastEventIdHeaders").EnumerateArray().ToList();

        Assert.Equal(result.GetProperty("finalText").GetString(), result.GetProperty("text").GetString());
        Assert.Equal(Enumerable.Range(0, sequence.Count).Select(i => (long)i), sequence);
        Assert.True(result.GetProperty("connections").GetInt32() >= 2, "the connection was never cut");
        Assert.Equal(global::System.Text.Json.JsonValueKind.Null, headers[0].ValueKind);
        Assert.Contains(headers.Skip(1), h => h.ValueKind == global::System.Text.Json.JsonValueKind.String);
    }
}
