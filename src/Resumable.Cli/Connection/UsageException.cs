namespace Resumable.Cli.Connection;

/// <summary>A command line that parsed but cannot be carried out as given (no prompt, a bad URL).</summary>
internal sealed class UsageException(string message) : Exception(message);
