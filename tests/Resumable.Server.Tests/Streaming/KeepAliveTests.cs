using Resumable.Testing;

namespace Resumable.Server.Tests.Streaming;

public class KeepAliveTests
{
    [Fact]
    public async Task Stream_IdleLongerThanTheInterval_SendsCommentKeepAlivesNotData()
    {
        await using var factory = ResumableAppFactory.Create(new Dictionary<string, string?> { ["Resumable:Streaming:KeepAliveInterval"] = "00:00:00.200" });
        var client = factory.CreateApiClient();
        var id = await client.CreateBackgroundAsync("slow start", ResponsesApi.Synthetic(3, ttftMs: 1500));

        var blocks = new List<SseFrame>();
        var (response, reader) = await client.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            while (await reader.ReadBlockAsync() is { } block)
            {
                blocks.Add(block);
            }
        }

        var firstDelta = blocks.FindIndex(b => b.Event == "response.output_text.delta");
        var keepAlives = blocks.Take(firstDelta).Where(b => b.IsComment).ToList();
        Assert.NotEmpty(keepAlives);
        Assert.All(keepAlives, b => Assert.Equal(": keep-alive\n\n", System.Text.Encoding.UTF8.GetString(b.Raw)));
        Assert.Equal("response.completed", blocks[^1].Event);
    }
}
