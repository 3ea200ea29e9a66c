namespace Resumable.Cli.Connection;

/// <summary>Runs a command's body and turns what went wrong into a message on stderr and an exit code.</summary>
internal static class CommandErrors
{
    public static async Task<int> RunAsync(Func<Task<int>> body)
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
    }

    public static string Describe(ApiException e) =>
        $"error: {e.Message} (HTTP {(int)e.Status}" + (e.RequestId is { } id ? $", request id {id})" : ")");
}
