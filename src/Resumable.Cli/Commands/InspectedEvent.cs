using System.Text.Json.Serialization;

namespace Resumable.Cli.Commands;

/// <summary>One event as <c>inspect</c> shows it.</summary>
internal sealed record InspectedEvent(
    [property: JsonPropertyName("sequence_number")] long SequenceNumber,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bytes")] int Bytes,
    [property: JsonPropertyName("durable")] bool Durable);
