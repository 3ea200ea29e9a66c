using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Responses;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Storage.Faster.Tests;

public sealed class FasterEventLogTests(ITestOutputHelper output) : WalTests("faster")
{
    private FasterEventLog Open(InMemoryCursorStore? cursors = null) => TestWal.Open(LogDirectory.Path, cursors);

    [Fact]
    public async Task Recover_AfterCommitAndDispose_ReplaysTheSameBytesAndCreation()
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        List<EventFrame> written;
        await using (var first = Open(cursors))
        {
            await first.StartAsync(CancellationToken.None);
            Assert.Empty(await first.RecoverAsync(CancellationToken.None));
            written = await TestWal.WriteResponseAsync(first, cursors, id, 500);
            await first.StopAsync(CancellationToken.None);
        }

        await using var second = Open();
        var recovered = Assert.Single(await second.RecoverAsync(CancellationToken.None));

        Assert.Equal(id, recovered.ResponseId);
        Assert.Equal("tenant-a", recovered.Created.Tenant);
        Assert.Equal("hello 世界", recovered.Created.Request.InputText);
        Assert.Equal("v", recovered.Created.Request.Metadata["k"]);
        TestWal.AssertSameFrames(written, recovered.Frames);
    }

    [Fact]
    public async Task Open_RaisesTheThreadPoolMinimum_ByTheWritesAStalledDiskCanHoldBlocked()
    {
        // Each write in flight holds a pool thread for as long as the disk takes (FileStream on Linux): the pool's
        // minimum must cover them on top of the cores, or streaming waits for the pool to inject threads.
        await using var log = Open();
        await log.RecoverAsync(CancellationToken.None);

        ThreadPool.GetMinThreads(out var workers, out _);
        var inFlight = BlockingWriteThreads.InFlightWrites(new WalOptions { PageSizeBytes = 1L << 16, MemorySizeBytes = 1L << 20 });
        Assert.Equal(18, inFlight);
        Assert.True(workers >= Environment.ProcessorCount + inFlight, $"the pool's minimum is {workers} worker threads");
    }

    [Fact]
    public async Task Recover_DeletedResponse_IsForgotten()
    {
        var kept = ResponseId.New();
        var deleted = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        await using (var first = Open(cursors))
        {
            await first.StartAsync(CancellationToken.None);
            await TestWal.WriteResponseAsync(first, cursors, kept, 3);
            await TestWal.WriteResponseAsync(first, cursors, deleted, 3);
            first.RecordDeleted(deleted);
            await first.StopAsync(CancellationToken.None);
        }

        await using var second = Open();
        Assert.Equal([kept], (await second.RecoverAsync(CancellationToken.None)).Select(r => r.ResponseId));
    }

    [Fact]
    public async Task GroupCommit_ThousandsOfEvents_TakeFarFewerCommitsThanEvents()
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        await using var log = Open(cursors);
        await log.StartAsync(CancellationToken.None);
        await TestWal.WriteResponseAsync(log, cursors, id, 10_000);

        var statistics = log.GetStatistics()!;
        Assert.True(statistics.Commits < 1_000, $"{statistics.Commits} commits for 10,001 records");
        Assert.True(statistics.RecordsPerCommit > 10, $"{statistics.RecordsPerCommit:F1} records per commit");
        Assert.Equal(statistics.TailAddress, statistics.CommittedUntilAddress);
        Assert.Equal(0, statistics.PendingRecords);
    }

    [Fact]
    public async Task Start_LogFilesWithoutTheirCommits_RefusesInsteadOfStartingEmpty()
    {
        var cursors = new InMemoryCursorStore();
        await using (var first = Open(cursors))
        {
            await first.StartAsync(CancellationToken.None);
            await TestWal.WriteResponseAsync(first, cursors, ResponseId.New(), 50);
            await first.StopAsync(CancellationToken.None);
        }

        Directory.Delete(Path.Combine(LogDirectory.Path, "commits"), recursive: true);

        await using var second = Open();
        var failure = await Assert.ThrowsAsync<WalRecoveryException>(() => second.RecoverAsync(CancellationToken.None));
        Assert.Contains("no commit could be recovered", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recover_BitFlipInsideCommittedData_IsDetectedNotServed()
    {
        var cursors = new InMemoryCursorStore();
        await using (var first = Open(cursors))
        {
            await first.StartAsync(CancellationToken.None);
            await TestWal.WriteResponseAsync(first, cursors, ResponseId.New(), 200);
            await first.StopAsync(CancellationToken.None);
        }

        var segment = Path.Combine(LogDirectory.Path, "events.log.0");
        var bytes = await File.ReadAllBytesAsync(segment);
        var target = bytes.AsSpan().IndexOf("token 100 "u8);
        Assert.True(target > 0);
        bytes[target + 6] ^= 0x01;
        await File.WriteAllBytesAsync(segment, bytes);

        await using var second = Open();
        var failure = await Assert.ThrowsAsync<WalRecoveryException>(() => second.RecoverAsync(CancellationToken.None));
        Assert.Contains("damaged inside committed data", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_OfTheOldestResponses_DeletesTheSegmentFilesBelowTheRest()
    {
        var old = ResponseId.New();
        var kept = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        await using (var log = Open(cursors))
        {
            await log.StartAsync(CancellationToken.None);
            await TestWal.WriteResponseAsync(log, cursors, old, 5_000, padding: 500);
            await TestWal.WriteResponseAsync(log, cursors, kept, 10);
            Assert.True(File.Exists(Path.Combine(LogDirectory.Path, "events.log.1")), "the test needs more than one segment");

            log.Release(old);
            await WaitUntilAsync(() => !File.Exists(Path.Combine(LogDirectory.Path, "events.log.0")));

            Assert.False(File.Exists(Path.Combine(LogDirectory.Path, "events.log.0")), "segment 0 was not reclaimed");
            Assert.True(log.GetStatistics()!.BeginAddress > 1L << 20);
            await log.StopAsync(CancellationToken.None);
        }

        await using var reopened = Open();
        var recovered = Assert.Single(await reopened.RecoverAsync(CancellationToken.None));
        Assert.Equal(kept, recovered.ResponseId);
        Assert.Equal(10, recovered.Frames.Count);
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("zeros")]
    [InlineData("random")]
    public async Task Recover_DamagedTailAfterTheLastCommit_RecoversEveryCommittedEvent(string damage)
    {
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        List<EventFrame> durable;
        long committed;
        using var commitsOfTheFirstLifetime = new TempDirectory("commits");
        var commits = Path.Combine(LogDirectory.Path, "commits");
        await using (var first = Open(cursors))
        {
            await first.StartAsync(CancellationToken.None);
            durable = await TestWal.WriteResponseAsync(first, cursors, id, 300);
            await first.StopAsync(CancellationToken.None);
            committed = first.GetStatistics()!.CommittedUntilAddress;
        }

        // A second lifetime writes another response after it; then its commits are lost, as when a crash comes
        // after those records reached the disk but before any commit of them did. What lies after the last commit
        // is now real records, which are cut short, zeroed or garbled.
        CopyDirectory(commits, commitsOfTheFirstLifetime.Path);
        var uncommitted = new InMemoryCursorStore();
        await using (var second = Open(uncommitted))
        {
            await second.StartAsync(CancellationToken.None);
            await TestWal.WriteResponseAsync(second, uncommitted, ResponseId.New(), 300);
            await second.StopAsync(CancellationToken.None);
        }

        Directory.Delete(commits, recursive: true);
        CopyDirectory(commitsOfTheFirstLifetime.Path, commits);

        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var segment = Path.Combine(LogDirectory.Path, "events.log.0");
        await using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            var length = file.Length;
            Assert.True(length > committed, $"nothing lies after the last commit ({committed:N0}) of a {length:N0}-byte file");
            var offset = random.NextInt64(committed, length);
            output.WriteLine($"{damage} at {offset:N0}: committed until {committed:N0}, file {length:N0} bytes");
            if (damage == "truncate")
            {
                file.SetLength(offset);
                Assert.True(file.Length < length, "the cut left the file as long as it was");
            }
            else
            {
                var tail = new byte[random.Next(1, 64 * 1024)];
                if (damage == "random")
                {
                    random.NextBytes(tail);
                }

                file.Position = offset;
                await file.WriteAsync(tail);
            }
        }

        // Recovery gets a prefix of what was durable, byte for byte, and that prefix is all of it.
        await using var reopened = Open();
        var recovered = Assert.Single(await reopened.RecoverAsync(CancellationToken.None));
        Assert.Equal(id, recovered.ResponseId);
        Assert.True(recovered.Frames.Count <= durable.Count, $"{recovered.Frames.Count} events recovered, {durable.Count} were durable (seed {seed})");
        Assert.True(durable.Zip(recovered.Frames).All(pair => pair.First.Bytes.Span.SequenceEqual(pair.Second.Bytes.Span)), $"a recovered event differs from the durable one (seed {seed})");
        Assert.Equal(durable.Count, recovered.Frames.Count);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
