using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Changes;
using Resumable.Core.Jobs;
using Resumable.Core.Retention;
using Resumable.Core.Sequencing;
using Resumable.Testing;

namespace Resumable.Core.Tests.Changes;

public class ResponseChangeFeedTests
{
    [Fact]
    public void Watcher_OfARunningResponse_IsWokenWhenItIsAddedStartsAndFinishesButNotPerEvent()
    {
        using var provider = CorePipeline.Create();
        var lifecycle = provider.GetRequiredService<ResponseLifecycle>();
        var registry = provider.GetRequiredService<ResponseRegistry>();
        using var watcher = provider.GetRequiredService<ResponseChangeFeed>().Watch();
        var entry = CorePipeline.NewEntry();

        Assert.False(watcher.WaitAsync().IsCompleted);
        Assert.True(lifecycle.TryAdmit(entry, provider.GetRequiredService<JobQueue>().TryEnqueue));
        registry.Add(entry);
        Assert.True(watcher.WaitAsync().IsCompleted);
        Assert.Equal([entry.Id], watcher.TakeChanged());

        Assert.True(lifecycle.TryStart(entry, 1));
        Assert.Equal([entry.Id], watcher.TakeChanged());

        var pending = watcher.WaitAsync();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(lifecycle.TryAppendText(entry, "token ", 1));
        }

        Assert.False(pending.IsCompleted);
        Assert.Empty(watcher.TakeChanged());

        Assert.True(lifecycle.TryComplete(entry));
        Assert.True(pending.IsCompleted);
        Assert.Equal([entry.Id], watcher.TakeChanged());

        Assert.True(registry.Remove(entry.Id));
        Assert.Equal([entry.Id], watcher.TakeChanged());
    }

    [Fact]
    public void Watcher_Disposed_IsNoLongerReportedTo()
    {
        var feed = new ResponseChangeFeed();
        var first = feed.Watch();
        using var second = feed.Watch();
        Assert.True(feed.IsWatched);

        first.Dispose();
        feed.Changed("resp_1");

        Assert.Empty(first.TakeChanged());
        Assert.Equal(["resp_1"], second.TakeChanged());
        second.Dispose();
        Assert.False(feed.IsWatched);
    }
}
