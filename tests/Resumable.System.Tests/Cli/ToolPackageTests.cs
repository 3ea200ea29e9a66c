using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary>The client as a .NET tool: packed from the repository and installed into a tool path, it runs as <c>resumable</c>.</summary>
public class ToolPackageTests
{
    [Fact]
    public async Task PackedTool_InstalledIntoAToolPath_RunsAsResumable()
    {
        using var directory = new TempDirectory("cli-tool");
        var packages = Path.Combine(directory.Path, "packages");
        var tools = Path.Combine(directory.Path, "tools");
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var project = Path.Combine(RepositoryPaths.Root, "src", "Resumable.Cli", "Resumable.Cli.csproj");

        var pack = await CliProcess.RunProgramAsync("dotnet", ["pack", project, "-c", output.Parent!.Name, "--no-build", "-o", packages], bound: TimeSpan.FromMinutes(5));
        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.Single(Directory.GetFiles(packages, "Resumable.Cli.*.nupkg"));

        // The packed directory is the only source, so the install reads nothing but the local package (a tool package carries its dependencies).
        var config = Path.Combine(directory.Path, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var install = await CliProcess.RunProgramAsync("dotnet", ["tool", "install", "Resumable.Cli", "--tool-path", tools, "--configfile", config], bound: TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, install.ToString());

        var help = await CliProcess.RunProgramAsync(Path.Combine(tools, "resumable"), ["--help"]);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "submit", "tail", "get", "cancel", "delete", "ls", "inspect", "stats", "bench" })
        {
            Assert.Contains($"  {command} ", help.StdOut, StringComparison.Ordinal);
        }
    }
}
