using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Jobs;
using Resumable.Core.Responses;
using Resumable.Core.Sequencing;
using Resumable.Testing;

namespace Resumable.Core.Tests.Sequencing;

public class ResponseLifecycleTests
{
    [Fact]
    public void Events_OfACompletedResponse_AreNumberedFromZeroWithoutGapsAndEndOnce()
    {
        using var provider = CorePipeline.Create();
        var lifecycle = provider.GetRequiredService<ResponseLifecycle>();
        var entry = CorePipeline.NewEntry();

        Assert.True(lifecycle.TryAdmit(entry, provider.GetRequiredService<JobQueue>().TryEnqueue));
        Assert.True(lifecycle.TryStart(entry, 1));
        Assert.True(lifecycle.TryAppendText(entry, "a", 1));
        Assert.True(lifecycle.TryComplete(entry));
        Assert.False(lifecycle.TryCancel(entry));
        Assert.False(lifecycle.TryAppendText(entry, "late", 1));

        var frames = entry.Log.ReadFrom(0).ToArray();
        Assert.Equal(Enumerable.Range(0, frames.Length).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
        Assert.Equal(
            ["response.created", "response.queued", "response.in_progress", "response.output_item.added", "response.content_part.added",
             "response.output_text.delta", "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"],
            frames.Select(f => f.Type));
        Assert.Single(frames, f => f.IsTerminal);
    }

    [Fact]
    public async Task Terminal_RacingCompleteFailAndCancels_EmitsExactlyOneTerminalEvent()
    {
        using var provider = CorePipeline.Create();
        var lifecycle = provider.GetRequiredService<ResponseLifecycle>();
        for (var round = 0; round < 200; round++)
        {
            var entry = CorePipeline.NewEntry();
            lifecycle.TryAdmit(entry, provider.GetRequiredService<JobQueue>().TryEnqueue);
            lifecycle.TryStart(entry, 1);
            using var start = new ManualResetEventSlim();
            var racers = new[]
            {
                Task.Run(() => { start.Wait(); return lifecycle.TryComplete(entry); }),
                Task.Run(() => { start.Wait(); return lifecycle.TryFail(entry, new ResponseError("x", "y")); }),
                Task.Run(() => { start.Wait(); return lifecycle.TryCancel(entry); }),
                Task.Run(() => { start.Wait(); return lifecycle.TryCancel(entry); }),
            };
            start.Set();
            var won = await Task.WhenAll(racers);

            Assert.Equal(1, won.Count(w => w));
            Assert.Single(entry.Log.ReadFrom(0).ToArray(), f => f.IsTerminal);
            Assert.True(entry.Log.IsCompleted);
            Assert.True(entry.Finished.Task.IsCompleted);
        }
    }
}
