using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Resumable.Testing;

namespace Resumable.System.Tests.Operations;

/// <summary>
/// <c>/metrics</c> of a real server process, read over HTTP and parsed by the official Python client's parser: who may
/// read it, and that its counters and histograms move by exactly the traffic the test sends.
/// </summary>
public class PrometheusMetricsTests(ObservedServer observed) : IClassFixture<ObservedServer>
{
    [Fact]
    public async Task Metrics_NeedTheMetricsKeyOrTheAdminKey_AndParseAsPrometheusText()
    {
        foreach (var refused in new[] { null, TestKeys.TenantA, "sk-not-a-key-at-all" })
        {
            using var client = observed.Client(refused);
            using var answer = await client.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            var error = await answer.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("invalid_api_key", error.GetProperty("error").GetProperty("code").GetString());
        }

        foreach (var key in new[] { ObservedServer.MetricsKey, TestKeys.Admin })
        {
            using var client = observed.Client(key);
            using var answer = await client.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("text/plain", answer.Content.Headers.ContentType?.MediaType);
            var samples = await PrometheusText.ParseAsync(await answer.Content.ReadAsStringAsync());
            Assert.Contains(samples, s => s is { Name: "resumable_queue_depth", Type: "gauge" });
            Assert.Contains(samples, s => s is { Name: "resumable_wal_disk_bytes", Type: "gauge" } && s.Value > 0);
            Assert.Contains(samples, s => s.Name == "http_server_request_duration_seconds_count");
        }

        // The metrics key opens nothing else.
        using var metricsOnly = observed.Client(ObservedServer.MetricsKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await metricsOnly.GetAsync("admin/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await metricsOnly.GetAsync("v1/responses")).StatusCode);
    }

    [Fact]
    public async Task CountersAndHistograms_MoveByExactlyTheTrafficSent()
    {
        using var api = observed.Client();
        var before = await ScrapeAsync();

        // Three responses streamed to completion, each read whole: their deltas are the text chunks measured.
        var deltas = new List<int>();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await api.CreateBackgroundAsync($"metrics {i}", ResponsesApi.Synthetic(12 + i, tokensPerSecond: 400));
            var frames = await api.ReadAllEventsAsync(id);
            Assert.Equal("response.completed", frames[^1].Event);
            deltas.Add(frames.Count(f => f.Event == "response.output_text.delta"));
            ids.Add(id);
        }

        var tokens = 0L;
        foreach (var id in ids)
        {
            tokens += (await api.GetJsonAsync($"v1/responses/{id}")).GetProperty("usage").GetProperty("output_tokens").GetInt64();
        }

        // One cancelled before its first token (it waits a minute for it), and one stream resumed after a cursor.
        var cancelled = await api.CreateBackgroundAsync("metrics, cancelled", ResponsesApi.Synthetic(10, ttftMs: 60_000));
        await api.WaitForStatusAsync(cancelled, "in_progress");
        using (var cancel = await api.PostAsync($"v1/responses/{cancelled}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        }

        var resumed = await api.ReadAllEventsAsync(ids[0], startingAfter: 2);
        Assert.Equal("3", resumed[0].Id);

        var expected = new (string Series, (string, string)[] Labels, double Delta)[]
        {
            ("resumable_responses_admitted_total", [], 4),
            ("resumable_responses_finished_total", [("status", "completed")], 3),
            ("resumable_responses_finished_total", [("status", "cancelled")], 1),
            ("resumable_streams_resumed_total", [], 1),
            ("resumable_tokens_total", [("model", "synthetic")], tokens),
            ("resumable_response_time_to_first_token_seconds_count", [("model", "synthetic")], 3),
            ("resumable_response_inter_token_latency_seconds_count", [("model", "synthetic")], deltas.Sum(d => d - 1)),
            ("resumable_response_duration_seconds_count", [("status", "completed")], 3),
            ("resumable_response_duration_seconds_count", [("status", "cancelled")], 1),
        };

        IReadOnlyList<PrometheusSample> after = [];
        await Eventually.UntilAsync(
            async () =>
            {
                after = await ScrapeAsync();
                return expected.All(e => Value(after, e.Series, e.Labels) - Value(before, e.Series, e.Labels) == e.Delta);
            },
            "the metrics to count the traffic sent",
            betweenLooks: null);

        // Everything was made durable by commits the histograms counted: at least the events read, plus the creations.
        var events = (await Task.WhenAll(ids.Append(cancelled).Select(id => api.ReadAllEventsAsync(id)))).Sum(frames => frames.Count);
        await Eventually.UntilAsync(
            async () => Value(after = await ScrapeAsync(), "resumable_wal_commit_events_sum", []) - Value(before, "resumable_wal_commit_events_sum", []) >= events + 4,
            "the commits to cover every event");
        Assert.True(Value(after, "resumable_wal_commit_duration_seconds_count", []) > Value(before, "resumable_wal_commit_duration_seconds_count", []));

        // Histograms are well formed: cumulative buckets that end at +Inf with the count.
        foreach (var series in after.Where(s => s.Name.StartsWith("resumable_", StringComparison.Ordinal) && s.Name.EndsWith("_count", StringComparison.Ordinal)))
        {
            var family = series.Name[..^"_count".Length];
            var labels = series.Labels.Select(l => (l.Key, l.Value)).ToArray();
            var buckets = after.Where(s => s.Name == family + "_bucket" && s.Has(labels)).ToList();
            Assert.True(buckets.Count > 1, $"{family} has no buckets");
            Assert.Equal(buckets.Select(b => b.Value).Order(), buckets.Select(b => b.Value));
            Assert.Equal(series.Value, buckets.Single(b => b.Labels["le"] == "+Inf").Value);
        }
    }

    private async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync()
    {
        using var client = observed.Client(ObservedServer.MetricsKey);
        return await PrometheusText.ParseAsync(await client.GetStringAsync("metrics"));
    }

    // The value of the one series with these labels (0 when it does not exist yet: a labelled counter appears at its first use).
    private static double Value(IReadOnlyList<PrometheusSample> samples, string series, (string, string)[] labels) =>
        samples.SingleOrDefault(s => s.Name == series && s.Has(labels))?.Value ?? 0;
}
