using System.Globalization;
using Resumable.Cli.Connection;

namespace Resumable.Cli.Streaming;

/// <summary>
/// Follows an existing response's stream to its terminal event. When the connection drops (or the stream ends
/// without a terminal event) it reconnects with <c>Last-Event-ID</c> set to the last sequence number it consumed, so
/// the text comes out whole and once. Retries are bounded: <see cref="MaxRetries"/> in a row without progress, with
/// a doubling pause between them; any event received resets the count.
/// </summary>
internal sealed class ResponseFollower(ApiClient client, ResponseTextPrinter printer, TextWriter notices)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(8);

    public int MaxRetries { get; init; } = 6;

    public async Task<StreamOutcome> FollowAsync(string id, long? startingAfter, CancellationToken cancellationToken)
    {
        var failures = 0;
        var path = $"v1/responses/{Uri.EscapeDataString(id)}?stream=true"
            + (startingAfter is { } after ? $"&starting_after={after.ToString(CultureInfo.InvariantCulture)}" : "");
        while (true)
        {
            var before = printer.LastSequenceNumber;
            string why;
            try
            {
                using var response = await client.OpenStreamAsync(HttpMethod.Get, path, body: null, printer.LastSequenceNumber, cancellationToken).ConfigureAwait(false);
                using var reader = new SseEventReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
                if (await printer.PumpAsync(reader, cancellationToken).ConfigureAwait(false) is { } outcome)
                {
                    return outcome with { ResponseId = id };
                }

                why = "the stream ended before the response did";
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && IsConnectionFailure(e))
            {
                why = e.Message;
            }

            failures = printer.LastSequenceNumber != before ? 1 : failures + 1;
            var where = printer.LastSequenceNumber is { } last ? $"after event {last.ToString(CultureInfo.InvariantCulture)}" : "before the first event";
            if (failures > MaxRetries)
            {
                throw new StreamGaveUpException($"connection lost {where}; gave up after {MaxRetries} attempts to resume ({why})");
            }

            await notices.WriteLineAsync($"connection lost {where}; resuming").ConfigureAwait(false);
            var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, FirstPause.Ticks << Math.Min(failures - 1, 16)));
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }
    }

    // A dropped or refused connection, a timeout of the socket, or an answer that says "try later" is worth resuming;
    // 4xx answers (not found, a bad key, a cursor beyond the end) are not and go up to the caller.
    private static bool IsConnectionFailure(Exception e) => e switch
    {
        ApiException api => api.IsTransient,
        HttpRequestException or IOException => true,
        _ => false,
    };
}
