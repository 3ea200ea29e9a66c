using System.Text.Json;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;

namespace Resumable.Core.Recovery;

/// <summary>
/// Rebuilds a response's in-memory state from its recovered events: the frames go back into its log as they
/// were (or, for a response that had gone cold, stay in the event log only), and status, output text, usage
/// and error are read back from their payloads (recovery only; the live path never parses a frame).
/// </summary>
internal static class ResponseRestorer
{
    /// <summary>
    /// The entry of <paramref name="recovered"/>, every recovered event counted as committed; with
    /// <paramref name="publishesOnCommit"/> (sync durability) the events it emits from now on publish on commit.
    /// </summary>
    public static ResponseEntry Restore(RecoveredResponse recovered, bool publishesOnCommit)
    {
        var created = recovered.Created;
        var entry = new ResponseEntry(recovered.ResponseId, created.Tenant, created.Request, DateTimeOffset.FromUnixTimeMilliseconds(created.CreatedAtMs), created.ItemId, publishesOnCommit);
        lock (entry.Gate)
        {
            foreach (var frame in recovered.Frames)
            {
                Apply(entry, frame);
                entry.Log.Append(frame);
                entry.NextSequenceNumber = frame.SequenceNumber + 1;
            }

            entry.AdmittedObject = ResponseObjectWriter.Serialize(entry, asSequenced: true);
            if (entry.IsTerminal)
            {
                entry.CompletedAt = DateTimeOffset.FromUnixTimeMilliseconds(recovered.LastRecordAtMs);
            }

            entry.Publication?.CommitAll();
        }

        if (entry.IsTerminal)
        {
            entry.Finished.TrySetResult();
            if (recovered.Cold is { } cold)
            {
                entry.MakeCold(cold);
            }
        }

        return entry;
    }

    private static void Apply(ResponseEntry entry, EventFrame frame)
    {
        using var document = JsonDocument.Parse(frame.Data.ToArray());
        var data = document.RootElement;
        switch (frame.Type)
        {
            case ResponseEventTypes.OutputItemAdded:
                entry.OutputStarted = true;
                break;
            case ResponseEventTypes.OutputTextDelta:
                entry.OutputText.Append(data.GetProperty("delta").GetString());
                break;
            case ResponseEventTypes.OutputItemDone:
                entry.OutputFinished = true;
                break;
            default:
                if (data.TryGetProperty("response", out var response))
                {
                    ApplyResponse(entry, response);
                }

                break;
        }
    }

    private static void ApplyResponse(ResponseEntry entry, JsonElement response)
    {
        ResponseStatusExtensions.TryParseWireName(response.GetProperty("status").GetString(), out var status);
        entry.Status = status;
        if (response.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            entry.Error = new ResponseError(error.GetProperty("code").GetString() ?? "", error.GetProperty("message").GetString() ?? "");
        }

        if (response.TryGetProperty("incomplete_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            entry.IncompleteReason = details.GetProperty("reason").GetString();
        }

        if (response.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            entry.InputTokens = usage.GetProperty("input_tokens").GetInt32();
            entry.OutputTokens = usage.GetProperty("output_tokens").GetInt32();
        }
    }
}
