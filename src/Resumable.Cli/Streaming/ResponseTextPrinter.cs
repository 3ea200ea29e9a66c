using System.Text.Json;

namespace Resumable.Cli.Streaming;

/// <summary>
/// Consumes a response's events: writes each text delta to the output once, remembers the last sequence number seen
/// (the cursor to resume after), and recognises the terminal event.
/// </summary>
internal sealed class ResponseTextPrinter(TextWriter output)
{
    /// <summary>The sequence number of the last event consumed, or null before the first.</summary>
    public long? LastSequenceNumber { get; private set; }

    /// <summary>The response id, once an event carrying the response object was seen.</summary>
    public string? ResponseId { get; private set; }

    /// <summary>Reads events until the terminal one (returned) or the end of the stream (null).</summary>
    public async Task<StreamOutcome?> PumpAsync(SseEventReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } sse)
        {
            if (await ConsumeAsync(sse).ConfigureAwait(false) is { } outcome)
            {
                return outcome;
            }
        }

        return null;
    }

    private async Task<StreamOutcome?> ConsumeAsync(SseEvent sse)
    {
        using var document = JsonDocument.Parse(sse.Data);
        var root = document.RootElement;
        if (sse.Type == "error")
        {
            throw new InvalidDataException($"the stream reported an error: {sse.Data}");
        }

        if (root.TryGetProperty("sequence_number", out var number) && number.TryGetInt64(out var sequence))
        {
            // A resumed stream starts after the cursor it was given; this guards the output should a server repeat one.
            if (sequence <= LastSequenceNumber)
            {
                return null;
            }

            LastSequenceNumber = sequence;
        }

        if (root.TryGetProperty("response", out var response) && response.TryGetProperty("id", out var id))
        {
            ResponseId ??= id.GetString();
        }

        switch (sse.Type)
        {
            case "response.output_text.delta":
                await output.WriteAsync(root.GetProperty("delta").GetString()).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
                return null;
            case "response.completed" or "response.failed" or "response.incomplete":
                return new StreamOutcome(ResponseId ?? "", response.GetProperty("status").GetString() ?? sse.Type, Reason(response));
            default:
                return null;
        }
    }

    private static string? Reason(JsonElement response)
    {
        if (response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            return $"{error.GetProperty("code").GetString()}: {error.GetProperty("message").GetString()}";
        }

        if (response.TryGetProperty("incomplete_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            return details.GetProperty("reason").GetString();
        }

        return null;
    }
}
