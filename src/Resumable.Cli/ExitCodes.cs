namespace Resumable.Cli;

/// <summary>The process exit codes scripts can rely on (documented in docs/cli.md).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The response ended failed, incomplete or cancelled (submit, tail).</summary>
    public const int ResponseNotCompleted = 1;

    /// <summary>The command line could not be parsed, or the server rejected the request as invalid (400).</summary>
    public const int Usage = 2;

    public const int NotFound = 3;

    /// <summary>The server refused the key (401 or 403).</summary>
    public const int Unauthorized = 4;

    /// <summary>The server failed (5xx, 429, an unexpected answer) or could not be reached.</summary>
    public const int ServerOrConnection = 5;
}
