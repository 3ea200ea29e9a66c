using System.Diagnostics;
using System.Text.Json;

namespace Resumable.Testing;

/// <summary>
/// Runs one of the Node client scripts in <c>tests/clients</c> (official <c>openai</c> SDK, <c>eventsource</c>)
/// as a child process against a test server, and parses the one JSON line it prints.
/// </summary>
public static class NodeClient
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> serialised as its JSON argument.</summary>
    public static async Task<JsonElement> RunAsync(string script, Uri serverBaseAddress, string apiKey, object arguments, TimeSpan timeout)
    {
        if (!Directory.Exists(Path.Combine(RepositoryPaths.NodeClients, "node_modules")))
        {
            throw new InvalidOperationException("tests/clients/node_modules is missing: run 'npm ci' in tests/clients (scripts/test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.NodeClients,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(JsonSerializer.Serialize(arguments));
        start.Environment["RESUMABLE_BASE_URL"] = new Uri(serverBaseAddress, "v1").ToString();
        start.Environment["RESUMABLE_API_KEY"] = apiKey;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout}. stderr: {await stderr}");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited with {process.ExitCode}. stderr: {await stderr} stdout: {output}");
        }

        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        return JsonDocument.Parse(line).RootElement;
    }
}
