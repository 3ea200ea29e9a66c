namespace Resumable.Cli.Connection;

/// <summary>A stream could not be followed to its end: the connection kept failing past the retry bound, or a stream that cannot be resumed broke.</summary>
internal sealed class StreamGaveUpException(string message, Exception? inner = null) : Exception(message, inner);
