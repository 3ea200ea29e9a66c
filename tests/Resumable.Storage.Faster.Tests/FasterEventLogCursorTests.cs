using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Responses;

namespace Resumable.Storage.Faster.Tests;

/// <summary>The durable cursors the log publishes after its commits, and when it forgets them.</summary>
public sealed class FasterEventLogCursorTests() : WalTests("wal-cursors")
{
    // No commit happens on its own in these tests: the only commit is the final one of StopAsync, which then
    // covers everything queued before it, in one round.
    private static readonly TimeSpan NoTimedCommit = TimeSpan.FromHours(1);

    [Fact]
    public async Task RecordDeleted_QueuedBeforeTheTerminalEventWasCommitted_LeavesNoDurableCursor()
    {
        var cursors = new InMemoryCursorStore();
        string deletedId = ResponseId.New(), keptId = ResponseId.New();
        await using var log = TestWal.Open(LogDirectory.Path, cursors, commitInterval: NoTimedCommit);
        await log.StartAsync(CancellationToken.None);
        await log.RecoverAsync(CancellationToken.None);

        QueueFinishedResponse(log, deletedId);
        log.RecordDeleted(deletedId);
        QueueFinishedResponse(log, keptId);
        await log.StopAsync(CancellationToken.None);

        Assert.Equal(1, cursors.GetDurable(keptId));
        Assert.Null(cursors.GetDurable(deletedId));
    }

    [Fact]
    public async Task Release_QueuedBeforeTheTerminalEventWasCommitted_LeavesNoDurableCursor()
    {
        var cursors = new InMemoryCursorStore();
        string expiredId = ResponseId.New(), keptId = ResponseId.New();
        await using var log = TestWal.Open(LogDirectory.Path, cursors, commitInterval: NoTimedCommit);
        await log.StartAsync(CancellationToken.None);
        await log.RecoverAsync(CancellationToken.None);

        QueueFinishedResponse(log, expiredId);
        log.Release(expiredId);
        QueueFinishedResponse(log, keptId);
        await log.StopAsync(CancellationToken.None);

        Assert.Equal(1, cursors.GetDurable(keptId));
        Assert.Null(cursors.GetDurable(expiredId));
    }

    [Fact]
    public async Task RecordDeleted_AfterEveryEventIsDurable_ForgetsTheCursorAtTheNextCommit()
    {
        var cursors = new InMemoryCursorStore();
        var id = ResponseId.New();
        await using var log = TestWal.Open(LogDirectory.Path, cursors);
        await log.StartAsync(CancellationToken.None);
        await log.RecoverAsync(CancellationToken.None);
        await TestWal.WriteResponseAsync(log, cursors, id, events: 3);

        log.RecordDeleted(id);
        await WaitUntilAsync(() => cursors.GetDurable(id) is null);

        Assert.Null(cursors.GetDurable(id));
    }

    private static void QueueFinishedResponse(FasterEventLog log, string id)
    {
        log.RecordCreated(id, TestWal.Created("hello"));
        log.Enqueue(id, TestWal.Frame(0, ResponseEventTypes.OutputTextDelta, "a"));
        log.Enqueue(id, TestWal.Frame(1, ResponseEventTypes.Completed, ""));
    }
}
