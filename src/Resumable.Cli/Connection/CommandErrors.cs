using System.Text.Json;

namespace Resumable.Cli.Connection;

/// <summary>Runs a command's body and turns what went wrong into a message on stderr and an exit code.</summary>
internal static class CommandErrors
{
    /// <summary>Exit code when the user interrupts the command (Ctrl+C): 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;

    public static async Task<int> RunAsync(CancellationToken cancellationToken, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (ApiException e)
        {
            await Console.Error.WriteLineAsync(Describe(e)).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"error: the server could not be reached: {e.Message}").ConfigureAwait(false);
            return ExitCodes.ServerOrConnection;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"error: the connection failed: {e.Message}").ConfigureAwait(false);
            return ExitCodes.ServerOrConnection;
        }
        catch (StreamGaveUpException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return ExitCodes.ServerOrConnection;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
        {
            // An answer that is not the wire format this client knows (a proxy's page, an error event, a field missing).
            await Console.Error.WriteLineAsync($"error: unexpected answer from the server: {e.Message}").ConfigureAwait(false);
            return ExitCodes.ServerOrConnection;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("interrupted").ConfigureAwait(false);
            return Interrupted;
        }
        catch (OperationCanceledException e)
        {
            await Console.Error.WriteLineAsync($"error: the server did not answer in time: {e.Message}").ConfigureAwait(false);
            return ExitCodes.ServerOrConnection;
        }
    }

    public static string Describe(ApiException e) =>
        $"error: {e.Message} (HTTP {(int)e.Status}" + (e.RequestId is { } id ? $", request id {id})" : ")");
}
