namespace Resumable.Cli.Streaming;

/// <summary>How a followed response ended: its final status and, when it did not complete, why.</summary>
internal sealed record StreamOutcome(string ResponseId, string Status, string? Reason)
{
    public bool Completed => Status == "completed";
}
