namespace Resumable.Cli.Streaming;

/// <summary>One Server-Sent Event as received: its id line (the sequence number), event name and data.</summary>
internal sealed record SseEvent(string? Id, string Type, string Data);
