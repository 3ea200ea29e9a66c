using Resumable.Testing;

namespace Resumable.System.Tests.Clients;

public class OpenAISdkTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    [InlineData(30)]
    public async Task Sdk_StreamCutAfterAnEvent_ResumesWithStartingAfterAndStreamHelperToTheSameText(int cutAfterEvents)
    {
        factory.CreateApiClient();
        var result = await NodeClient.RunAsync(
            "sdk-resume.mjs",
            factory.BaseAddress,
            TestKeys.TenantA,
            new { input = $"official sdk, cut after {cutAfterEvents}", metadata = ResponsesApi.Synthetic(60, tokensPerSecond: 400), cutAfterEvents },
            TimeSpan.FromSeconds(90));

        var uninterrupted = result.GetProperty("uninterruptedText").GetString();
        Assert.False(string.IsNullOrEmpty(uninterrupted));
        Assert.Equal(uninterrupted, result.GetProperty("resumedText").GetString());
        Assert.Equal(uninterrupted, result.GetProperty("helperDeltaText").GetString());
        Assert.Equal(uninterrupted, result.GetProperty("helperFinalText").GetString());
        Assert.Equal("completed", result.GetProperty("helperFinalStatus").GetString());

        var cut = result.GetProperty("cutSequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        var resumed = result.GetProperty("resumedSequence").EnumerateArray().Select(e => e.GetInt64()).ToList();
        Assert.Equal(cutAfterEvents, cut.Count);
        Assert.Equal(Enumerable.Range(0, cut.Count + resumed.Count).Select(i => (long)i), cut.Concat(resumed));
    }
}
