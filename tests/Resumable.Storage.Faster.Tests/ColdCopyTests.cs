using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

public sealed class ColdCopyTests() : WalTests("cold")
{
    [Fact]
    public async Task Consolidate_ThenReadCold_ReturnsTheSameBytesInAFewReads()
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        await using var log = TestWal.Open(LogDirectory.Path, cursors);
        await log.StartAsync(CancellationToken.None);
        var written = await TestWal.WriteResponseAsync(log, cursors, id, 2_000, padding: 40);

        var cold = await log.ConsolidateAsync(id, written.ToArray(), CancellationToken.None).WaitAsync(Bound);
        var read = await log.ReadColdAsync(id, cold, CancellationToken.None).WaitAsync(Bound);

        TestWal.AssertSameFrames(written, read);
        Assert.Equal(written.Count, cold.EventCount);
        Assert.Equal(written.Sum(f => (long)f.Bytes.Length), cold.ByteCount);
        Assert.Equal(written[^1].SequenceNumber, cold.LastSequenceNumber);

        // About 200 KB of frames in 64 KiB pages: a handful of consolidated records (one read each), not 2,000.
        Assert.InRange(cold.Locations.Count, 2, 12);
        Assert.True(read[^1].IsTerminal);
    }

    [Fact]
    public async Task ColdResponse_AfterReopen_IsRecoveredColdWithTheSameBytes()
    {
        var id = ResponseId.New();
        var hot = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        List<EventFrame> written;
        ColdCopy cold;
        await using (var first = TestWal.Open(LogDirectory.Path, cursors))
        {
            await first.StartAsync(CancellationToken.None);
            written = await TestWal.WriteResponseAsync(first, cursors, id, 300);
            cold = await first.ConsolidateAsync(id, written.ToArray(), CancellationToken.None).WaitAsync(Bound);
            await TestWal.WriteResponseAsync(first, cursors, hot, 5);
            await first.StopAsync(CancellationToken.None);
        }

        await using var second = TestWal.Open(LogDirectory.Path);
        await second.StartAsync(CancellationToken.None);
        var recovered = (await second.RecoverAsync(CancellationToken.None)).ToDictionary(r => r.ResponseId);

        Assert.Null(recovered[hot].Cold);
        var recoveredCold = recovered[id].Cold;
        Assert.NotNull(recoveredCold);
        Assert.Equal(cold.Locations, recoveredCold.Locations);
        Assert.Equal(cold.EventCount, recoveredCold.EventCount);
        Assert.Equal(cold.ByteCount, recoveredCold.ByteCount);
        TestWal.AssertSameFrames(written, await second.ReadColdAsync(id, recoveredCold, CancellationToken.None).WaitAsync(Bound));
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ReadCold_AfterTheResponseWasReleasedAndTruncated_ThrowsReclaimedInsteadOfSkipping()
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        await using var log = TestWal.Open(LogDirectory.Path, cursors);
        await log.StartAsync(CancellationToken.None);
        var written = await TestWal.WriteResponseAsync(log, cursors, id, 100);
        var cold = await log.ConsolidateAsync(id, written.ToArray(), CancellationToken.None).WaitAsync(Bound);

        log.Release(id);
        await WaitUntilAsync(() => log.GetStatistics()!.BeginAddress > cold.Locations[^1]);

        Assert.True(log.GetStatistics()!.BeginAddress > cold.Locations[^1], "the log was never truncated past the cold copy");
        var reclaimed = await Assert.ThrowsAsync<EventsReclaimedException>(() => log.ReadColdAsync(id, cold, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(id, reclaimed.ResponseId);
    }

    [Fact]
    public async Task ReadCold_WhileTheLogReopensAfterAFault_ReturnsTheSameBytes()
    {
        var id = ResponseId.New();
        var other = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        var faults = new FaultInjectingDeviceFactory();
        var disk = new ReadHoldingDisk(faults.Create);
        await using var log = TestWal.Open(LogDirectory.Path, cursors, disk);
        await log.StartAsync(CancellationToken.None);
        var written = await TestWal.WriteResponseAsync(log, cursors, id, 300);
        var cold = await log.ConsolidateAsync(id, written.ToArray(), CancellationToken.None).WaitAsync(Bound);

        // A cold read reaches the disk of the log open now, and is held there.
        disk.HoldReads();
        var read = log.ReadColdAsync(id, cold, CancellationToken.None);
        await WaitUntilAsync(() => disk.HeldReads > 0);

        // Meanwhile the disk fails and heals: the log reopens, in place of the instance the read is still on.
        log.RecordCreated(other, TestWal.Created("written while the disk fails"));
        faults.StartFailing();
        var sequence = 0;
        await Eventually.UntilAsync(() => log.Fault is not null, "the log to fail", () => log.Enqueue(other, TestWal.Frame(sequence++, ResponseEventTypes.OutputTextDelta, "lost")));
        faults.Heal();
        await WaitUntilAsync(() => log.Fault is null && log.GetStatistics()!.Reopens > 0);
        Assert.False(read.IsCompleted, "the cold read finished before it was released");

        // Released, the read finishes on the instance it started on, with the bytes that were written.
        disk.ReleaseReads();
        TestWal.AssertSameFrames(written, await read.WaitAsync(Bound));
    }

    [Fact]
    public async Task RecordLargerThanAPage_StopsPersistingThatResponseOnly_AndKeepsTheLogHealthy()
    {
        var big = ResponseId.New();
        var other = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        await using var log = TestWal.Open(LogDirectory.Path, cursors);
        await log.StartAsync(CancellationToken.None);

        log.RecordCreated(big, TestWal.Created("big"));
        log.Enqueue(big, TestWal.Frame(0, ResponseEventTypes.Created, "small"));
        log.Enqueue(big, TestWal.Frame(1, ResponseEventTypes.OutputTextDelta, new string('x', 100_000)));
        log.Enqueue(big, TestWal.Frame(2, ResponseEventTypes.Completed, "after the big one"));
        var frames = await TestWal.WriteResponseAsync(log, cursors, other, 10);

        // The other response is durable; the big one never gets past the event before the record the log refused.
        Assert.Null(log.Fault);
        Assert.Equal(0, cursors.GetDurable(big));
        await Assert.ThrowsAsync<IOException>(() => log.ConsolidateAsync(big, new[] { TestWal.Frame(0, ResponseEventTypes.Completed, new string('y', 100_000)) }, CancellationToken.None).WaitAsync(Bound));
        Assert.Equal(10, (await log.ConsolidateAsync(other, frames.ToArray(), CancellationToken.None).WaitAsync(Bound)).EventCount);
    }
}
