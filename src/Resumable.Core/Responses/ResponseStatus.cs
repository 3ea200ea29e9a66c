namespace Resumable.Core.Responses;

/// <summary>The lifecycle state of a response, as reported in the <c>status</c> field.</summary>
public enum ResponseStatus
{
    /// <summary>Admitted and waiting for a worker.</summary>
    Queued,

    /// <summary>A worker is generating it.</summary>
    InProgress,

    /// <summary>Finished normally (terminal).</summary>
    Completed,

    /// <summary>Finished with an error (terminal).</summary>
    Failed,

    /// <summary>Stopped early, e.g. at <c>max_output_tokens</c> (terminal).</summary>
    Incomplete,

    /// <summary>Cancelled by a client or by deletion (terminal).</summary>
    Cancelled,
}

/// <summary>Wire names and predicates for <see cref="ResponseStatus"/>.</summary>
public static class ResponseStatusExtensions
{
    /// <summary>The OpenAI wire name, e.g. <c>in_progress</c>.</summary>
    public static string ToWireName(this ResponseStatus status) => status switch
    {
        ResponseStatus.Queued => "queued",
        ResponseStatus.InProgress => "in_progress",
        ResponseStatus.Completed => "completed",
        ResponseStatus.Failed => "failed",
        ResponseStatus.Incomplete => "incomplete",
        ResponseStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses a wire name; returns false for anything else.</summary>
    public static bool TryParseWireName(string? value, out ResponseStatus status)
    {
        foreach (var candidate in Enum.GetValues<ResponseStatus>())
        {
            if (string.Equals(candidate.ToWireName(), value, StringComparison.Ordinal))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>Whether no further event can follow.</summary>
    public static bool IsTerminal(this ResponseStatus status) => status >= ResponseStatus.Completed;
}
