using System.Buffers.Binary;
using FASTER.core;

namespace Resumable.Storage.Faster;

/// <summary>
/// Writes FasterLog's commit records as files <c>commit.N.0</c> (the layout FASTER's own device commit
/// manager uses: a 4-byte length, then the metadata) and, unlike that manager, does not swallow a failed
/// write: FasterLog would still report such a commit as done, leaving an empty file behind (seen on a full
/// disk). FasterLog cannot take an exception here (its commit worker would never complete the commit), so
/// the failure is kept for the committer, which checks <see cref="Failure"/> after each commit and treats
/// it as a commit failure. Hand-written because no served package offers a checked commit manager.
/// </summary>
internal sealed class CheckedLogCommitManager(string directory) : ILogCommitManager
{
    private const string Prefix = "commit.";
    private const string Suffix = ".0";
    private volatile string? _failure;

    /// <summary>Why a commit record could not be written, or null while all were.</summary>
    public string? Failure => _failure;

    public void Commit(long beginAddress, long untilAddress, byte[] commitMetadata, long commitNum, bool forceWriteMetadata)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var record = new byte[sizeof(int) + commitMetadata.Length];
            BinaryPrimitives.WriteInt32LittleEndian(record, commitMetadata.Length);
            commitMetadata.CopyTo(record, sizeof(int));
            // One sync: the write goes to the page cache and the flush makes it and the file's size durable together
            // (a write-through write followed by the flush synced twice per commit).
            using var file = new FileStream(PathOf(commitNum), FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
            file.Write(record);
            file.Flush(flushToDisk: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _failure ??= $"Writing commit record {commitNum} failed: {ex.Message}";
        }
    }

    public byte[] GetCommitMetadata(long commitNum)
    {
        var record = File.ReadAllBytes(PathOf(commitNum));
        var length = record.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(record) : -1;
        if (length < 0 || length > record.Length - sizeof(int))
        {
            throw new InvalidDataException($"Commit record {commitNum} is torn ({record.Length} bytes).");
        }

        return record.AsSpan(sizeof(int), length).ToArray();
    }

    public IEnumerable<long> ListCommits() =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, Prefix + "*" + Suffix)
                .Select(path => Path.GetFileName(path))
                .Select(name => long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), out var number) ? number : -1)
                .Where(number => number >= 0)
                .OrderByDescending(number => number)
                .ToList()
            : [];

    public void RemoveCommit(long commitNum) => File.Delete(PathOf(commitNum));

    public void RemoveAllCommits()
    {
        foreach (var commit in ListCommits())
        {
            RemoveCommit(commit);
        }
    }

    public void OnRecovery(long commitNum)
    {
        // Older commits stay: the log prunes them itself, keeping a few to fall back on.
    }

    public void Dispose()
    {
    }

    private string PathOf(long commitNum) => Path.Combine(directory, $"{Prefix}{commitNum}{Suffix}");
}
