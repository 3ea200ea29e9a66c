using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

public sealed class FasterEventLogFaultTests() : WalTests("faults")
{
    private FasterEventLog Open(ICursorStore cursors, ILogDeviceFactory? devices = null, DurabilityMode durability = DurabilityMode.Async) =>
        TestWal.Open(LogDirectory.Path, cursors, devices, durability);

    // A failure shows as the log's fault, or, once it no longer lasts, as the reopening it caused.
    private static bool FaultShows(FasterEventLog log) => log.Fault is not null || log.GetStatistics()!.Reopens > 0;

    [Theory]
    [InlineData(1, true)]
    [InlineData(1, false)]
    public async Task FailingFirstWrite_StopsStartUpWithAClearError_AndAHealthyRestartStartsEmpty(int failingWrite, bool forever)
    {
        await using (var log = Open(new InMemoryCursorStore(), new FaultInjectingDeviceFactory(failingWrite, forever)))
        {
            var failure = await Assert.ThrowsAsync<WalRecoveryException>(() => log.StartAsync(CancellationToken.None).WaitAsync(Bound));
            Assert.Contains("cannot be written", failure.Message, StringComparison.Ordinal);
        }

        await using var healthy = Open(new InMemoryCursorStore());
        Assert.Empty(await healthy.RecoverAsync(CancellationToken.None).WaitAsync(Bound));
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(5, true)]
    [InlineData(8, false)]
    [InlineData(13, true)]
    [InlineData(21, false)]
    public async Task FailingNthWrite_StopsDurabilityThere_WithoutHanging_AndRestartRecoversTheDurablePart(int failingWrite, bool forever)
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        var devices = new FaultInjectingDeviceFactory(failingWrite, forever);
        var written = new List<EventFrame>();
        long? durable;
        await using (var log = Open(cursors, devices))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            log.RecordCreated(id, new CreatedRecord("tenant", 0, "msg_1", new ResponseRequest { Model = "synthetic", Input = [] }));
            var faultSeen = false;
            for (var round = 0; round < 40 && !faultSeen; round++)
            {
                for (var i = 0; i < 50; i++)
                {
                    var frame = TestWal.Frame(written.Count, ResponseEventTypes.OutputTextDelta, new string('x', 2_000));
                    written.Add(frame);
                    log.Enqueue(id, frame);
                }

                // Wait until this round is durable or the failure shows; neither means the log hangs.
                await WaitUntilAsync(() => cursors.GetDurable(id) == written.Count - 1 || FaultShows(log));
                faultSeen = FaultShows(log);
                Assert.True(faultSeen || cursors.GetDurable(id) == written.Count - 1, $"round {round} neither became durable nor showed a fault");
            }

            Assert.True(devices.FailedWrites > 0, "the failing write was never reached");
            Assert.True(faultSeen, "the failed write showed neither as a fault nor as a reopening");
            durable = cursors.GetDurable(id);

            // A failure that lasts keeps the log failed; after one that does not, the log reopens, but the response
            // with the hole is persisted no further.
            if (forever)
            {
                Assert.NotNull(log.Fault);
            }
            else
            {
                await WaitUntilAsync(() => log.Fault is null);
                Assert.Null(log.Fault);
                log.Enqueue(id, TestWal.Frame(written.Count, ResponseEventTypes.OutputTextDelta, "after the reopening"));

                // A response enqueued after that event becomes durable: a commit has passed the event.
                await TestWal.WriteResponseAsync(log, cursors, ResponseId.New(), 3);
                Assert.Equal(durable, cursors.GetDurable(id));
            }

            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        // No event is reported durable past the failure: every one up to the durable cursor comes back, byte for byte.
        await using var healthy = Open(new InMemoryCursorStore());
        var recovered = (await healthy.RecoverAsync(CancellationToken.None).WaitAsync(Bound)).SingleOrDefault(response => response.ResponseId == id);
        var recoveredFrames = recovered?.Frames ?? [];
        Assert.True(recoveredFrames.Count >= (durable ?? -1) + 1, $"durable cursor {durable}, but only {recoveredFrames.Count} events recovered");
        for (var i = 0; i < recoveredFrames.Count; i++)
        {
            Assert.True(written[i].Bytes.Span.SequenceEqual(recoveredFrames[i].Bytes.Span), $"event {i} differs");
        }
    }

    [Fact]
    public async Task FailedLog_OnceWritesSucceedAgain_Reopens_KeepsCommittedData_AndPersistsNoResponseWithAHole()
    {
        var before = ResponseId.New();
        var broken = ResponseId.New();
        var after = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        var devices = new FaultInjectingDeviceFactory();
        List<EventFrame> beforeFrames, afterFrames;
        var brokenFrames = new List<EventFrame>();
        long? brokenDurable;
        await using (var log = Open(cursors, devices))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            beforeFrames = await TestWal.WriteResponseAsync(log, cursors, before, 50);

            // The disk goes bad while a response streams: the log fails, the response keeps going from memory.
            log.RecordCreated(broken, TestWal.Created("broken"));
            devices.StartFailing();
            await Eventually.UntilAsync(() => log.Fault is not null, "the log to fail", () =>
            {
                // The response keeps streaming, a frame between looks, until the log shows the fault.
                var frame = TestWal.Frame(brokenFrames.Count, ResponseEventTypes.OutputTextDelta, new string('b', 500));
                brokenFrames.Add(frame);
                log.Enqueue(broken, frame);
            });
            Assert.NotNull(log.Fault);
            brokenDurable = cursors.GetDurable(broken);

            // Healthy again: the log reopens by itself, without a restart.
            devices.Heal();
            await WaitUntilAsync(() => log.Fault is null);
            Assert.Null(log.Fault);
            afterFrames = await TestWal.WriteResponseAsync(log, cursors, after, 50);

            // The response with a hole is persisted no further, even though the log is healthy.
            for (var i = 0; i < 20; i++)
            {
                var frame = TestWal.Frame(brokenFrames.Count, ResponseEventTypes.OutputTextDelta, "after the hole");
                brokenFrames.Add(frame);
                log.Enqueue(broken, frame);
            }

            await TestWal.WaitDurableAsync(cursors, after, afterFrames.Count - 1);
            Assert.Equal(brokenDurable, cursors.GetDurable(broken));
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        // A restart finds what was committed before the failure and after the reopening, byte for byte, and of
        // the broken response no more than its durable prefix.
        await using var restarted = Open(new InMemoryCursorStore());
        var recovered = (await restarted.RecoverAsync(CancellationToken.None).WaitAsync(Bound)).ToDictionary(r => r.ResponseId);
        TestWal.AssertSameFrames(beforeFrames, recovered[before].Frames);
        TestWal.AssertSameFrames(afterFrames, recovered[after].Frames);
        var brokenRecovered = recovered.TryGetValue(broken, out var response) ? response.Frames : [];
        TestWal.AssertSameFrames(brokenFrames.Take(brokenRecovered.Count).ToList(), brokenRecovered);
        Assert.True(brokenRecovered.Count >= (brokenDurable ?? -1) + 1, $"durable cursor {brokenDurable}, {brokenRecovered.Count} recovered");
    }

    [Fact]
    public async Task SyncDurability_ThroughAFaultAndAReopening_ReleasesEveryFrameOnceAndInOrder()
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        var devices = new FaultInjectingDeviceFactory();
        var sink = new OrderCheckingSink();
        await using var log = Open(cursors, devices, DurabilityMode.Sync);
        await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
        log.RecordCreated(id, TestWal.Created("sync through a fault"));
        const int Events = 600;
        for (var i = 0; i < Events; i++)
        {
            if (i == 150)
            {
                // What came before is committed and released; then the disk goes bad.
                await WaitUntilAsync(() => sink.Count >= 150);
                devices.StartFailing();
            }

            if (i == 450)
            {
                // A write of what came since has failed; then the disk heals.
                await WaitUntilAsync(() => devices.FailedWrites > 0);
                devices.Heal();
            }

            log.Enqueue(id, TestWal.Frame(i, i == Events - 1 ? ResponseEventTypes.Completed : ResponseEventTypes.OutputTextDelta, new string('s', 300)), sink);
        }

        await WaitUntilAsync(() => sink.Count >= Events);
        Assert.True(devices.FailedWrites > 0, "the disk never failed");
        Assert.Equal(Events, sink.Count);
        Assert.Null(sink.Problem);
        Assert.True(cursors.GetDurable(id) < 450, $"durable cursor {cursors.GetDurable(id)} passed the hole");
    }

    private sealed class OrderCheckingSink : IFrameSink
    {
        private long _next;

        public int Count => (int)Interlocked.Read(ref _next);

        public string? Problem { get; private set; }

        public void Release(EventFrame frame)
        {
            if (frame.SequenceNumber != Interlocked.Read(ref _next))
            {
                Problem ??= $"frame {frame.SequenceNumber} released when {_next} was due";
            }

            Interlocked.Increment(ref _next);
        }
    }

    [Fact]
    public async Task Recover_AfterACrashLeftAnUnwrittenRangeBeforeLaterPages_ReturnsNoRecordPastTheRange()
    {
        // A crash can leave a range of the log unwritten while a later page was written (the device writes a
        // commit's pages concurrently, each as its own write). Nothing past the hole was reported durable, and
        // its commit files never got written. The log between the hole and the crash must not come back: a
        // response may return at most the prefix of its events that precedes the hole, never events past it.
        var first = ResponseId.New();
        var second = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        List<EventFrame> firstFrames;
        List<EventFrame> secondFrames;
        byte[] commitsBefore;
        var commitSlots = Path.Combine(LogDirectory.Path, "commits", "log-commits", "commit-slots");
        await using (var log = Open(cursors))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            firstFrames = await TestWal.WriteResponseAsync(log, cursors, first, 10).WaitAsync(Bound);
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        commitsBefore = File.ReadAllBytes(commitSlots);
        await using (var log = Open(cursors))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            secondFrames = await TestWal.WriteResponseAsync(log, cursors, second, 100, padding: 2_000).WaitAsync(Bound);
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        // The crash: the second lifetime's commit records were not written yet, and the write that started at a
        // record boundary inside its second page (64 KiB pages; its records run past the third) never reached the
        // disk, while the next page's write did.
        File.WriteAllBytes(commitSlots, commitsBefore);

        var segment = Path.Combine(LogDirectory.Path, "events.log.0");
        Assert.True(new FileInfo(segment).Length > 3L << 16, "the second response does not reach the fourth page");
        using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            const int PageSize = 1 << 16;
            var page = new byte[PageSize];
            file.Position = PageSize;
            file.ReadExactly(page);
            var holeStart = RecordBoundary(page, records: 3);
            file.Position = PageSize + holeStart;
            file.Write(new byte[PageSize - holeStart]);
        }

        await using var restarted = Open(new InMemoryCursorStore());
        var recovered = await restarted.RecoverAsync(CancellationToken.None).WaitAsync(Bound);
        TestWal.AssertSameFrames(firstFrames, recovered.Single(response => response.ResponseId == first).Frames);
        var secondRecovered = recovered.SingleOrDefault(response => response.ResponseId == second)?.Frames ?? [];
        TestWal.AssertSameFrames(secondFrames.Take(secondRecovered.Count).ToList(), secondRecovered);
    }

    // The offset of the given record's start in a FasterLog page: each entry is a 4-byte length (negative for a
    // commit record) after an 8-byte checksum (per-entry checksums), then the payload padded to 4 bytes.
    private static int RecordBoundary(byte[] page, int records)
    {
        var offset = 0;
        for (var i = 0; i < records; i++)
        {
            var length = Math.Abs(BitConverter.ToInt32(page, offset + 8));
            Assert.True(length > 0, $"record {i} of the page is missing");
            offset += 12 + ((length + 3) & ~3);
        }

        return offset;
    }
}
