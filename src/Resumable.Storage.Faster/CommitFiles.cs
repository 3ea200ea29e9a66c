using Microsoft.Extensions.Logging;

namespace Resumable.Storage.Faster;

/// <summary>
/// The log's commit files (<c>commit.N.0</c>, written by <see cref="CheckedLogCommitManager"/>): listing them newest
/// first, setting aside (as <c>.torn</c>) those that recover nothing or are left over from an earlier instance, and
/// pruning old ones while keeping a few to fall back on.
/// </summary>
internal sealed class CommitFiles(string directory, ILogger logger)
{
    /// <summary>The directory of the commit files.</summary>
    public string DirectoryPath { get; } = directory;

    /// <summary>The commit files not set aside, newest first.</summary>
    public List<FileInfo> List() =>
        Directory.Exists(DirectoryPath)
            ? new DirectoryInfo(DirectoryPath).EnumerateFiles("commit.*")
                .Where(file => file.Extension != ".torn")
                .OrderByDescending(NumberOf)
                .ToList()
            : [];

    /// <summary>The commit number in a commit file's name, or -1.</summary>
    public static long NumberOf(FileInfo commit) => long.TryParse(commit.Name.Split('.')[1], out var number) ? number : -1;

    /// <summary>Sets aside every empty commit file (the disk filled while it was written): it is not a commit.</summary>
    public void SetAsideEmpty()
    {
        foreach (var file in List().Where(file => file.Length == 0))
        {
            SetAside(file);
        }
    }

    /// <summary>Renames a commit file to <c>.torn</c>, so that recovery no longer sees it.</summary>
    public void SetAside(FileInfo commit)
    {
        logger.WalCommitSetAside(commit.Name, commit.Length);
        commit.MoveTo(commit.FullName + ".torn", overwrite: true);
    }

    /// <summary>Keeps the newest <paramref name="kept"/> non-empty commit files; never runs once the log has faulted.</summary>
    public void Prune(int kept)
    {
        try
        {
            var files = new DirectoryInfo(DirectoryPath).EnumerateFiles("commit.*")
                .Where(file => NumberOf(file) >= 0)
                .OrderByDescending(NumberOf)
                .ToList();
            var keeping = 0;
            foreach (var file in files)
            {
                if (keeping >= kept)
                {
                    file.Delete();
                }
                else if (file.Length > 0)
                {
                    keeping++;
                }
            }
        }
        catch (IOException)
        {
            // Pruning is housekeeping; the next round tries again.
        }
    }
}
