namespace Resumable.Storage.Faster;

/// <summary>The log on disk cannot be recovered safely; the host must not start in its place.</summary>
public sealed class WalRecoveryException(string message, Exception? inner = null) : Exception(message, inner);
