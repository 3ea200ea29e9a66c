using System.Text.Json;
using System.Text.Json.Serialization;

namespace Resumable.Cli.Commands;

/// <summary>What <c>inspect --json</c> prints: the server's summary and every event.</summary>
internal sealed record InspectReport(
    [property: JsonPropertyName("response")] JsonElement Response,
    [property: JsonPropertyName("events")] IReadOnlyList<InspectedEvent> Events);
