using System.Buffers.Binary;
using Microsoft.Extensions.Logging;

namespace Resumable.Storage.Faster;

/// <summary>
/// The log's commit records as recovery sees them: the slots of <see cref="CommitSlotFile"/>, and the commit files
/// <c>commit.N.0</c> of logs written before the slots (one file per commit: a 4-byte length, then the metadata),
/// which are read until the first commit in the slots is durable and then deleted (<see cref="RetireFiles"/>).
/// </summary>
internal sealed class CommitRecords(string directory, ILogger logger)
{
    private const string FilePrefix = "commit.";
    private const string FileSuffix = ".0";

    /// <summary>The directory of the commit records.</summary>
    public string DirectoryPath { get; } = directory;

    /// <summary>The numbers of the commits recovery can read, newest first.</summary>
    public List<long> List() =>
        [.. CommitSlotFile.ReadAll(DirectoryPath).Select(commit => commit.Number).Concat(FileNumbers()).Distinct().OrderDescending()];

    /// <summary>The metadata of commit <paramref name="number"/>; throws when it cannot be read.</summary>
    public byte[] Read(long number)
    {
        foreach (var (slotNumber, metadata) in CommitSlotFile.ReadAll(DirectoryPath))
        {
            if (slotNumber == number)
            {
                return metadata;
            }
        }

        var path = FilePath(number);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"Commit record {number} is not in the commit slots.");
        }

        var record = File.ReadAllBytes(path);
        var length = record.Length >= sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(record) : -1;
        if (length < 0 || length > record.Length - sizeof(int))
        {
            throw new InvalidDataException($"Commit file {Path.GetFileName(path)} is torn ({record.Length} bytes).");
        }

        return record.AsSpan(sizeof(int), length).ToArray();
    }

    /// <summary>
    /// Sets commit <paramref name="number"/> aside, so that recovery no longer sees it: its slot is cleared (a commit
    /// file is renamed to <c>.torn</c>).
    /// </summary>
    public void SetAside(long number)
    {
        logger.WalCommitSetAside(number);
        Remove(number);
    }

    /// <summary>Removes commit <paramref name="number"/> as <see cref="SetAside"/> does, without a warning.</summary>
    public void Remove(long number)
    {
        if (!CommitSlotFile.Clear(DirectoryPath, number) && File.Exists(FilePath(number)))
        {
            File.Move(FilePath(number), FilePath(number) + ".torn", overwrite: true);
        }
    }

    /// <summary>Deletes the commit files of a log written before the slots, once a commit in the slots is durable.</summary>
    public void RetireFiles()
    {
        foreach (var number in FileNumbers(includeEmpty: true))
        {
            File.Delete(FilePath(number));
        }
    }

    // A commit file left empty (the disk filled while it was written) is not a commit.
    private IEnumerable<long> FileNumbers(bool includeEmpty = false) =>
        Directory.Exists(DirectoryPath)
            ? new DirectoryInfo(DirectoryPath).EnumerateFiles(FilePrefix + "*" + FileSuffix)
                .Where(file => includeEmpty || file.Length > 0)
                .Select(file => long.TryParse(file.Name.AsSpan(FilePrefix.Length, file.Name.Length - FilePrefix.Length - FileSuffix.Length), out var number) ? number : -1)
                .Where(number => number >= 0)
                .ToList()
            : [];

    private string FilePath(long number) => Path.Combine(DirectoryPath, $"{FilePrefix}{number}{FileSuffix}");
}
