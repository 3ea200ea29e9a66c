namespace Resumable.Testing;

/// <summary>Locates files of the repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    /// <summary>The directory that holds <c>Resumable.sln</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The Node client scripts (<c>tests/clients</c>).</summary>
    public static string NodeClients => Path.Combine(Root, "tests", "clients");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Resumable.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Resumable.sln not found above {AppContext.BaseDirectory}.");
    }
}
