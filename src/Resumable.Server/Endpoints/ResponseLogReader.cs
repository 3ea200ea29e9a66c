using Microsoft.AspNetCore.Http.HttpResults;
using Resumable.Core.Entries;
using Resumable.Core.Persistence;
using Resumable.Core.Streaming;
using Resumable.Server.Errors;

namespace Resumable.Server.Endpoints;

/// <summary>Opens a response's events for an endpoint, turning a failed cold read into its OpenAI error.</summary>
internal static class ResponseLogReader
{
    /// <summary>
    /// The events (hot, or read back from the WAL), or the error to answer: 410 when they were reclaimed
    /// meanwhile, 503 when the log cannot be read right now.
    /// </summary>
    public static async Task<(ResponseLog? Log, JsonHttpResult<OpenAIErrorEnvelope>? Error)> OpenAsync(ResponseLogSource source, ResponseEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            return (await source.OpenAsync(entry, cancellationToken).ConfigureAwait(false), null);
        }
        catch (EventsReclaimedException reclaimed)
        {
            return (null, OpenAIError.Gone(reclaimed.Message));
        }
        catch (IOException unreadable)
        {
            return (null, OpenAIError.ColdReadUnavailable(entry.Id, unreadable.Message));
        }
    }
}
