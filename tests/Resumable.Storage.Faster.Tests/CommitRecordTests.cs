using System.Buffers.Binary;
using Resumable.Core.Cursors;
using Resumable.Core.Events;
using Resumable.Core.Responses;

namespace Resumable.Storage.Faster.Tests;

/// <summary>FasterLog's commit records: written in place into the slots of one file, and read back at recovery.</summary>
public sealed class CommitRecordTests() : WalTests("commit-records")
{
    private string CommitDirectory => Path.Combine(LogDirectory.Path, "commits", "log-commits");

    private FasterEventLog Open(InMemoryCursorStore? cursors = null) => TestWal.Open(LogDirectory.Path, cursors);

    [Fact]
    public async Task ManyCommits_AreWrittenInPlace_IntoOneFileHoldingTheNewestOnes()
    {
        var cursors = new InMemoryCursorStore();
        await using (var log = Open(cursors))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            for (var response = 0; response < 20; response++)
            {
                await TestWal.WriteResponseAsync(log, cursors, ResponseId.New(), 5).WaitAsync(Bound);
            }

            Assert.True(log.GetStatistics()!.Commits > CommitSlotFile.SlotCount, $"only {log.GetStatistics()!.Commits} commits");
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        var file = Assert.Single(Directory.GetFiles(CommitDirectory));
        Assert.Equal(CommitSlotFile.FileName, Path.GetFileName(file));
        Assert.Equal(CommitSlotFile.SlotCount * CommitSlotFile.SlotBytes, new FileInfo(file).Length);

        // Every slot holds one of the newest commits, consecutive, ending with the last one.
        var numbers = CommitSlotFile.ReadAll(CommitDirectory).Select(commit => commit.Number).ToList();
        Assert.Equal(CommitSlotFile.SlotCount, numbers.Count);
        Assert.Equal(Enumerable.Range(0, CommitSlotFile.SlotCount).Select(back => numbers[0] - back), numbers);
    }

    [Fact]
    public async Task Recover_NewestCommitTorn_FallsBackToTheCommitBefore_WithEverythingItCovered()
    {
        var first = ResponseId.New();
        var second = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        List<EventFrame> firstFrames;
        List<EventFrame> secondFrames;
        await using (var log = Open(cursors))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            firstFrames = await TestWal.WriteResponseAsync(log, cursors, first, 10).WaitAsync(Bound);
            secondFrames = await TestWal.WriteResponseAsync(log, cursors, second, 10).WaitAsync(Bound);
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        // A crash in the middle of the newest commit's write: half of its slot is the new bytes, half garbage.
        var newest = CommitSlotFile.ReadAll(CommitDirectory)[0].Number;
        var slots = File.ReadAllBytes(CommitSlotFile.PathIn(CommitDirectory));
        var torn = (int)(newest % CommitSlotFile.SlotCount) * CommitSlotFile.SlotBytes;
        new Random(7).NextBytes(slots.AsSpan(torn + (CommitSlotFile.SlotBytes / 2), CommitSlotFile.SlotBytes / 2));
        slots[torn + 40] ^= 0xFF;
        File.WriteAllBytes(CommitSlotFile.PathIn(CommitDirectory), slots);
        Assert.DoesNotContain(CommitSlotFile.ReadAll(CommitDirectory), commit => commit.Number == newest);

        await using var restarted = Open(new InMemoryCursorStore());
        var recovered = await restarted.RecoverAsync(CancellationToken.None).WaitAsync(Bound);

        // What the commit before covered comes back whole; of the rest, at most a prefix (never a record past a gap).
        var firstRecovered = recovered.Single(response => response.ResponseId == first).Frames;
        TestWal.AssertSameFrames(firstFrames, firstRecovered);
        var secondRecovered = recovered.SingleOrDefault(response => response.ResponseId == second)?.Frames ?? [];
        TestWal.AssertSameFrames(secondFrames.Take(secondRecovered.Count).ToList(), secondRecovered);
    }

    [Fact]
    public async Task Recover_LogWrittenWithOneFilePerCommit_RecoversIt_ThenKeepsItsCommitsInTheSlots()
    {
        // A log written before the slots: one file per commit, "commit.N.0", a 4-byte length then the metadata.
        var id = ResponseId.New();
        var cursors = new InMemoryCursorStore();
        List<EventFrame> written;
        await using (var log = Open(cursors))
        {
            await log.StartAsync(CancellationToken.None).WaitAsync(Bound);
            written = await TestWal.WriteResponseAsync(log, cursors, id, 50).WaitAsync(Bound);
            await log.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        var commits = CommitSlotFile.ReadAll(CommitDirectory);
        File.Delete(CommitSlotFile.PathIn(CommitDirectory));
        foreach (var (number, metadata) in commits)
        {
            var record = new byte[sizeof(int) + metadata.Length];
            BinaryPrimitives.WriteInt32LittleEndian(record, metadata.Length);
            metadata.CopyTo(record, sizeof(int));
            File.WriteAllBytes(Path.Combine(CommitDirectory, $"commit.{number}.0"), record);
        }

        // The disk once filled while a commit file was written: an empty file is no commit.
        File.WriteAllBytes(Path.Combine(CommitDirectory, $"commit.{commits[0].Number + 1}.0"), []);

        await using (var upgraded = Open(new InMemoryCursorStore()))
        {
            var recovered = Assert.Single(await upgraded.RecoverAsync(CancellationToken.None).WaitAsync(Bound));
            TestWal.AssertSameFrames(written, recovered.Frames);
        }

        Assert.Equal([CommitSlotFile.FileName], Directory.GetFiles(CommitDirectory).Select(Path.GetFileName));
        await using var again = Open(new InMemoryCursorStore());
        TestWal.AssertSameFrames(written, Assert.Single(await again.RecoverAsync(CancellationToken.None).WaitAsync(Bound)).Frames);
    }
}
