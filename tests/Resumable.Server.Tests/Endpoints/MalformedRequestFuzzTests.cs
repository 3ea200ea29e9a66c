using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Resumable.Testing;
using Xunit.Abstractions;

namespace Resumable.Server.Tests.Endpoints;

public class MalformedRequestFuzzTests(ITestOutputHelper output)
{
    /// <summary>Set to rerun one seed, e.g. the one a failed run printed.</summary>
    private const string SeedVariable = "RESUMABLE_FUZZ_SEED";

    /// <summary>Set to send more (or, while reproducing, fewer) requests than the default.</summary>
    private const string CountVariable = "RESUMABLE_FUZZ_REQUESTS";

    private const int DefaultCount = 2_500;

    // A hang detector, not a timing assertion: every answer here takes milliseconds.
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(30);

    // Kestrel's default limit on the request line; a longer one is refused before the application runs.
    private const int MaxRequestLineBytes = 8 * 1024;

    [Fact]
    public async Task MalformedRequests_OnEveryEndpoint_Answer4xxInTheErrorShapeAndAdmitNothing()
    {
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var count = Environment.GetEnvironmentVariable(CountVariable) is { Length: > 0 } fixedCount
            ? int.Parse(fixedCount, CultureInfo.InvariantCulture)
            : DefaultCount;
        output.WriteLine($"Fuzzing with seed {seed} ({SeedVariable}={seed} reproduces this run), {count} requests.");

        // Finished responses stay hot and retained for the whole run, so nothing but a request could touch the log.
        await using var factory = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            ["Resumable:Retention:Retention"] = "01:00:00",
            ["Resumable:Retention:HotPeriod"] = "01:00:00",
        });
        var tenant = factory.CreateApiClient(TestKeys.TenantA);
        var admin = factory.CreateApiClient(TestKeys.Admin);

        // One real response, so cursors, input items and admin inspection are fuzzed against something that exists.
        var seedId = await tenant.CreateBackgroundAsync("the one response", ResponsesApi.Synthetic(8));
        await tenant.WaitForTerminalAsync(seedId);
        await admin.WaitUntilDurableAsync(seedId);
        var before = await admin.GetJsonAsync("admin/stats");

        var generator = new MalformedRequestGenerator(new Random(seed), seedId);
        var cases = Enumerable.Range(0, count).Select(_ => generator.Next()).ToList();

        // HttpClient sends header bytes outside ASCII only when told how to encode them.
        using var client = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = static (_, _) => Encoding.Latin1 })
        {
            BaseAddress = factory.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, cases.Count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (index, _) =>
        {
            var problem = await SendAndCheckAsync(client, cases[index], statuses);
            if (problem is not null)
            {
                failures.Add($"#{index} {problem}\n    {cases[index].Describe()}");
            }
        });
        stopwatch.Stop();

        output.WriteLine($"{cases.Count} requests in {stopwatch.Elapsed.TotalSeconds:F1} s.");
        output.WriteLine("By kind: " + string.Join(", ", cases.GroupBy(c => c.Kind).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}")));
        output.WriteLine("By status: " + string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}")));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} requests were answered wrongly (seed {seed}; rerun with {SeedVariable}={seed}):\n"
            + string.Join('\n', failures.OrderBy(f => int.Parse(f[1..f.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).Take(25)));

        // Nothing was admitted: the one response is still the only one, no event was produced, the log did not grow.
        var after = await admin.GetJsonAsync("admin/stats");
        var listed = (await admin.GetJsonAsync("admin/responses?limit=100")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(seedId, Assert.Single(listed));
        Assert.Equal(1, after.GetProperty("retained_responses").GetInt32());
        Assert.Equal(before.GetProperty("events_total").GetInt64(), after.GetProperty("events_total").GetInt64());
        Assert.Equal(0, after.GetProperty("queue").GetProperty("depth").GetInt32());
        Assert.Equal(0, after.GetProperty("running_jobs").GetInt64());
        var walBefore = before.GetProperty("wal");
        var walAfter = after.GetProperty("wal");
        Assert.Equal(walBefore.GetProperty("tail_address").GetInt64(), walAfter.GetProperty("tail_address").GetInt64());
        Assert.Equal(walBefore.GetProperty("records_committed").GetInt64(), walAfter.GetProperty("records_committed").GetInt64());
        Assert.Equal(0, walAfter.GetProperty("pending_records").GetInt64());
    }

    /// <summary>Sends one case; returns what was wrong with its answer, or null.</summary>
    private static async Task<string?> SendAndCheckAsync(HttpClient client, FuzzCase fuzzCase, ConcurrentDictionary<int, int> statuses)
    {
        using var request = new HttpRequestMessage(fuzzCase.Method, fuzzCase.Target);
        foreach (var (name, value) in fuzzCase.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (fuzzCase.Body is { } body)
        {
            HttpContent content = fuzzCase.Chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            if (fuzzCase.ContentType is { } contentType)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            request.Content = content;
            request.Headers.TransferEncodingChunked = fuzzCase.Chunked;
        }

        var uri = new Uri(client.BaseAddress!, fuzzCase.Target);

        // Requests that break HTTP itself never reach the API: Kestrel answers them with a status and no body.
        var breaksHttp = uri.AbsolutePath.Contains("%00", StringComparison.Ordinal) || uri.PathAndQuery.Length + 20 > MaxRequestLineBytes;

        using var timeout = new CancellationTokenSource(RequestBound);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await client.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"no answer within {RequestBound.TotalSeconds} s";
        }
        catch (HttpRequestException ex)
        {
            return $"the request failed: {ex.Message}";
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, static (_, n) => n + 1);
            if (status is < 400 or > 499)
            {
                return $"answered {status}, not a 4xx: {Cut(text)}";
            }

            if (fuzzCase.ExpectedStatus is { } expected && expected != status && !breaksHttp)
            {
                return $"answered {status}, expected {expected}: {Cut(text)}";
            }

            if (text.Length == 0 && breaksHttp)
            {
                return null;
            }

            if (response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                return $"answered {status} with Content-Type '{response.Content.Headers.ContentType}': {Cut(text)}";
            }

            return OpenAIErrorShape.Problem(text) is { } shape ? $"answered {status} without the error shape ({shape}): {Cut(text)}" : null;
        }
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
