using System.Diagnostics;
using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Testing;

namespace Resumable.Storage.Faster.Tests;

public sealed class FasterEventLogFaultTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _directory = new("faults");

    public void Dispose() => _directory.Dispose();

    private FasterEventLog Open(ICursorStore cursors, ILogDeviceFactory? devices = null) => TestWal.Open(_directory.Path, cursors, devices);

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
            var faultSeen = TimeSpan.Zero;
            for (var round = 0; round < 40 && log.Fault is null; round++)
            {
                for (var i = 0; i < 50; i++)
                {
                    var frame = TestWal.Frame(written.Count, ResponseEventTypes.OutputTextDelta, new string('x', 2_000));
                    written.Add(frame);
                    log.Enqueue(id, frame);
                }

                // Bounded wait until this round is durable, or the failure shows.
                var waited = Stopwatch.StartNew();
                while (cursors.GetDurable(id) != written.Count - 1 && log.Fault is null && waited.Elapsed < Bound)
                {
                    await Task.Delay(2);
                }

                if (log.Fault is not null)
                {
                    faultSeen = waited.Elapsed;
                }
            }

            Assert.True(devices.Device!.FailedWrites > 0, "the failing write was never reached");
            Assert.NotNull(log.Fault);
            Assert.True(faultSeen < TimeSpan.FromSeconds(1), $"the fault became visible after {faultSeen}");
            durable = cursors.GetDurable(id);
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        // No event is reported durable past the failure: every one up to the durable cursor comes back, byte for byte.
        await using var healthy = Open(new InMemoryCursorStore());
        var recovered = (await healthy.RecoverAsync(CancellationToken.None).WaitAsync(Bound)).SingleOrDefault();
        var recoveredFrames = recovered?.Frames ?? [];
        Assert.True(recoveredFrames.Count >= (durable ?? -1) + 1, $"durable cursor {durable}, but only {recoveredFrames.Count} events recovered");
        for (var i = 0; i < recoveredFrames.Count; i++)
        {
            Assert.True(written[i].Bytes.Span.SequenceEqual(recoveredFrames[i].Bytes.Span), $"event {i} differs");
        }
    }
}
