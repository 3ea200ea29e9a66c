using System.ClientModel;
using OpenAI.Responses;
using Resumable.Testing;

namespace Resumable.System.Tests.Clients;

/// <summary>The official OpenAI .NET library (2.15.0) as a client of Resumable: background mode, streaming, resume with <c>starting_after</c>, cancel.</summary>
public class OpenAIDotNetTests(ResumableAppFactory factory) : IClassFixture<ResumableAppFactory>
{
    private ResponsesClient Client() =>
        new(new ApiKeyCredential(TestKeys.TenantA), new ResponsesClientOptions { Endpoint = new Uri(factory.BaseAddress, "v1") });

    private static CreateResponseOptions Background(string input, Dictionary<string, string> metadata)
    {
        var options = new CreateResponseOptions("synthetic", [ResponseItem.CreateUserMessageItem(input)]) { BackgroundModeEnabled = true };
        foreach (var (key, value) in metadata)
        {
            options.Metadata[key] = value;
        }

        return options;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(30)]
    public async Task Library_BackgroundStreamCut_ResumesWithStartingAfterToTheSameText(int cutAfterEvents)
    {
        factory.CreateApiClient();
        var client = Client();
        ResponseResult created = await client.CreateResponseAsync(Background($".NET library, cut after {cutAfterEvents}", ResponsesApi.Synthetic(60, tokensPerSecond: 400)));
        Assert.Equal(ResponseStatus.Queued, created.Status);

        var cut = new List<int>();
        var text = new global::System.Text.StringBuilder();
        await foreach (var update in await client.GetResponseStreamingAsync(new GetResponseOptions(created.Id) { StreamingEnabled = true }))
        {
            cut.Add(update.SequenceNumber);
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }

            if (cut.Count == cutAfterEvents)
            {
                break;
            }
        }

        var resumed = new List<int>();
        ResponseStatus? final = null;
        await foreach (var update in await client.GetResponseStreamingAsync(new GetResponseOptions(created.Id) { StreamingEnabled = true, StartingAfter = cut[^1] }))
        {
            resumed.Add(update.SequenceNumber);
            if (update is StreamingResponseOutputTextDeltaUpdate delta)
            {
                text.Append(delta.Delta);
            }

            if (update is StreamingResponseCompletedUpdate completed)
            {
                final = completed.Response.Status;
            }
        }

        ResponseResult done = await client.GetResponseAsync(created.Id);
        Assert.Equal(ResponseStatus.Completed, final);
        Assert.Equal(ResponseStatus.Completed, done.Status);
        Assert.Equal(done.GetOutputText(), text.ToString());
        Assert.Equal(Enumerable.Range(0, cut.Count + resumed.Count), cut.Concat(resumed));
    }

    [Fact]
    public async Task Library_CancelsABackgroundResponse()
    {
        factory.CreateApiClient();
        var client = Client();
        ResponseResult created = await client.CreateResponseAsync(Background(".NET library, cancelled", ResponsesApi.Synthetic(100_000, tokensPerSecond: 100)));

        ResponseResult cancelled = await client.CancelResponseAsync(created.Id);

        Assert.Equal(ResponseStatus.Cancelled, cancelled.Status);
        Assert.Equal(ResponseStatus.Cancelled, ((ResponseResult)await client.GetResponseAsync(created.Id)).Status);
    }
}
