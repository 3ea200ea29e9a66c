using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Resumable.Testing;

/// <summary>
/// Through a load balancer in front of two nodes: creates a streaming background response, reads part of it,
/// drops the connection, and resumes with <c>Last-Event-ID</c> until a resume lands on the node that does not hold
/// the response (the balancer takes turns; one that lands on the owner is put down unread and sent again).
/// </summary>
public static class CrossNodeResume
{
    /// <summary>The events before the cut, those after it (relayed), the response id and its owner's node id.</summary>
    public sealed record Outcome(string Id, string Owner, string RelayedBy, List<SseFrame> BeforeCut, List<SseFrame> AfterCut);

    public static async Task<Outcome> RunAsync(HttpClient balancer, string input, int cutAfterEvents, Dictionary<string, string> metadata)
    {
        var create = new HttpRequestMessage(HttpMethod.Post, "v1/responses")
        {
            Content = JsonContent.Create(new { model = "synthetic", input, stream = true, background = true, metadata }),
        };
        var seen = new List<SseFrame>();
        string owner;
        using (var created = await balancer.SendAsync(create, HttpCompletionOption.ResponseHeadersRead))
        await using (var reader = new SseReader(await created.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            owner = created.Headers.GetValues("x-resumable-node").Single();
            while (seen.Count < cutAfterEvents && await reader.ReadEventAsync() is { } frame)
            {
                seen.Add(frame);
            }
        }

        var id = seen[0].Json.GetProperty("response").GetProperty("id").GetString()!;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var (resumed, reader) = await balancer.OpenStreamAsync(id, lastEventId: seen[^1].SequenceNumber);
            using (resumed)
            await using (reader)
            {
                if (resumed.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Fail($"A resume through the balancer answered {(int)resumed.StatusCode}.");
                }

                Assert.Equal(owner, resumed.Headers.GetValues("x-resumable-node").Single());
                if (resumed.Headers.TryGetValues("x-resumable-relayed-by", out var relay))
                {
                    return new Outcome(id, owner, relay.Single(), seen, await reader.ReadToEndAsync());
                }
            }
        }

        throw new InvalidOperationException("Ten resumes in a row landed on the owner: the balancer does not take turns.");
    }
}
