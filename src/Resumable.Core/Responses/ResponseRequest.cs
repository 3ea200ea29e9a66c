namespace Resumable.Core.Responses;

/// <summary>A validated <c>POST /v1/responses</c> request, as the pipeline sees it.</summary>
public sealed record ResponseRequest
{
    /// <summary>The model name; selects the generator.</summary>
    public required string Model { get; init; }

    /// <summary>The input, normalised to messages.</summary>
    public required IReadOnlyList<InputMessage> Input { get; init; }

    /// <summary>System instructions, echoed in the response object.</summary>
    public string? Instructions { get; init; }

    /// <summary>Whether the job outlives its client (background mode).</summary>
    public bool Background { get; init; }

    /// <summary>Whether the create call answers with an event stream.</summary>
    public bool Stream { get; init; }

    /// <summary>Whether the response is kept for retrieval; background mode requires it. Unstored responses
    /// stream to their creator only and are never retrievable by id.</summary>
    public bool Store { get; init; } = true;

    /// <summary>Up to 16 string pairs, echoed; the synthetic model also reads its settings here.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>The output token cap, or null for the generator's own length.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Echoed sampling temperature.</summary>
    public double? Temperature { get; init; }

    /// <summary>Echoed nucleus sampling value.</summary>
    public double? TopP { get; init; }

    /// <summary>Echoed end-user identifier.</summary>
    public string? User { get; init; }

    /// <summary>The whole input as one text, in order, parts separated by a newline.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string InputText => string.Join('\n', Input.SelectMany(m => m.Parts).Select(p => p.Text));
}
