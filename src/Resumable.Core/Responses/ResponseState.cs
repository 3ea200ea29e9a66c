namespace Resumable.Core.Responses;

/// <summary>
/// What a response object shows at one point of its event sequence: status, output so far and usage. The
/// entry's live fields give the state as sequenced; in <see cref="Persistence.DurabilityMode.Sync"/> callers are
/// shown the state as of the last committed event instead (<see cref="Entries.ResponseEntry.Visible"/>).
/// </summary>
/// <param name="Status">The status.</param>
/// <param name="CompletedAt">When the terminal event was appended; null before.</param>
/// <param name="Error">The error of a failed response.</param>
/// <param name="IncompleteReason">Why it is incomplete (<c>max_output_tokens</c>, <c>cancelled</c>).</param>
/// <param name="OutputLength">How many UTF-16 characters of the output text it shows.</param>
/// <param name="OutputStarted">Whether the output message exists.</param>
/// <param name="OutputFinished">Whether the output message is done.</param>
/// <param name="InputTokens">Input tokens.</param>
/// <param name="OutputTokens">Output tokens so far.</param>
public readonly record struct ResponseState(
    ResponseStatus Status,
    DateTimeOffset? CompletedAt,
    ResponseError? Error,
    string? IncompleteReason,
    int OutputLength,
    bool OutputStarted,
    bool OutputFinished,
    int InputTokens,
    int OutputTokens)
{
    /// <summary>Whether the state is terminal.</summary>
    public bool IsTerminal => Status.IsTerminal();
}
