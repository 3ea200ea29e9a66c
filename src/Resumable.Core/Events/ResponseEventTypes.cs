namespace Resumable.Core.Events;

/// <summary>The event type names of the OpenAI Responses streaming protocol that this service emits.</summary>
public static class ResponseEventTypes
{
    /// <summary>First event of every response (sequence number 0).</summary>
    public const string Created = "response.created";

    /// <summary>Background responses only: waiting for a worker.</summary>
    public const string Queued = "response.queued";

    /// <summary>A worker started generating.</summary>
    public const string InProgress = "response.in_progress";

    /// <summary>The output message item starts.</summary>
    public const string OutputItemAdded = "response.output_item.added";

    /// <summary>The text part of the message starts.</summary>
    public const string ContentPartAdded = "response.content_part.added";

    /// <summary>A piece of text; always whole UTF-8 characters.</summary>
    public const string OutputTextDelta = "response.output_text.delta";

    /// <summary>The whole text of the part.</summary>
    public const string OutputTextDone = "response.output_text.done";

    /// <summary>The text part is finished.</summary>
    public const string ContentPartDone = "response.content_part.done";

    /// <summary>The output message item is finished.</summary>
    public const string OutputItemDone = "response.output_item.done";

    /// <summary>Terminal: finished normally.</summary>
    public const string Completed = "response.completed";

    /// <summary>Terminal: finished with an error.</summary>
    public const string Failed = "response.failed";

    /// <summary>Terminal: stopped early, or cancelled (then <c>response.status</c> is <c>cancelled</c>).</summary>
    public const string Incomplete = "response.incomplete";

    /// <summary>Every type above, in stream order.</summary>
    public static readonly string[] All =
    [
        Created, Queued, InProgress, OutputItemAdded, ContentPartAdded, OutputTextDelta, OutputTextDone,
        ContentPartDone, OutputItemDone, Completed, Failed, Incomplete,
    ];

    /// <summary>Whether an event of this type ends its response.</summary>
    public static bool IsTerminal(string type) => type is Completed or Failed or Incomplete;
}
