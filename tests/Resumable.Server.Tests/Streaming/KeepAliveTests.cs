using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Resumable.Testing;

namespace Resumable.Server.Tests.Streaming;

public class KeepAliveTests
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Stream_IdleLongerThanTheInterval_SendsCommentKeepAlivesNotData()
    {
        // The keep-alive interval and the model's pacing both run on the test's clock.
        var clock = new FakeTimeProvider();
        await using var factory = ResumableAppFactory.Create(
            new Dictionary<string, string?> { ["Resumable:Streaming:KeepAliveInterval"] = "00:00:00.200" },
            services => services.AddSingleton<TimeProvider>(clock));
        var client = factory.CreateApiClient();
        var id = await client.CreateBackgroundAsync("slow start", ResponsesApi.Synthetic(3, ttftMs: 600_000));

        var blocks = new ConcurrentQueue<SseFrame>();
        var (response, reader) = await client.OpenStreamAsync(id);
        using (response)
        await using (reader)
        {
            var reading = Task.Run(async () =>
            {
                while (await reader.ReadBlockAsync() is { } block)
                {
                    blocks.Enqueue(block);
                }
            });

            // Idle: the first token is 10 minutes away. Move the clock an interval at a time (a minute at most, far
            // from that token) until a keep-alive arrives; then on, a minute at a time, until the stream ends.
            var idleLeft = TimeSpan.FromMinutes(1);
            await Eventually.UntilAsync(() => blocks.Any(block => block.IsComment), "a keep-alive", () =>
            {
                if (idleLeft > TimeSpan.Zero)
                {
                    clock.Advance(KeepAliveInterval);
                    idleLeft -= KeepAliveInterval;
                }
            });
            await Eventually.UntilAsync(() => reading.IsCompleted, "the stream to end", () => clock.Advance(TimeSpan.FromMinutes(1)));
            await reading;
        }

        var received = blocks.ToList();
        var firstDelta = received.FindIndex(b => b.Event == "response.output_text.delta");
        var keepAlives = received.Take(firstDelta).Where(b => b.IsComment).ToList();
        Assert.NotEmpty(keepAlives);
        Assert.All(keepAlives, b => Assert.Equal(": keep-alive\n\n", System.Text.Encoding.UTF8.GetString(b.Raw)));
        Assert.Equal("response.completed", received[^1].Event);
    }
}
