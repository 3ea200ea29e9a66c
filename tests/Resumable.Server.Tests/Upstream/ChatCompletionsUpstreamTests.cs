using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Time.Testing;
using Resumable.Testing;

namespace Resumable.Server.Tests.Upstream;

/// <summary>
/// A model served by an OpenAI-compatible upstream (Chat Completions, streamed), against a fake upstream on real
/// Kestrel that streams real SSE bytes: text, usage and statuses, retries before the first token, failures after it,
/// stalls, cancel, connection reuse, and keys that never show.
/// </summary>
public class ChatCompletionsUpstreamTests
{
    private const string Model = "fake-gpt";
    private const string UpstreamKey = "sk-upstream-secret-0123456789";

    private static ResumableAppFactory Server(FakeUpstream fake, string firstTokenTimeout = "00:00:10", string maxRetries = "2", bool everyLog = false, FakeTimeProvider? clock = null, string retryDelay = "00:00:00.250") => ResumableAppFactory.Create(
        new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = everyLog ? "Trace" : "Warning",
        [$"Resumable:Models:{Model}:BaseUrl"] = fake.BaseUrl.ToString(),
        [$"Resumable:Models:{Model}:ApiKey"] = UpstreamKey,
        [$"Resumable:Models:{Model}:UpstreamModel"] = "gpt-upstream",
        [$"Resumable:Models:{Model}:StallTimeout"] = "00:00:01",
        [$"Resumable:Models:{Model}:FirstTokenTimeout"] = firstTokenTimeout,
        [$"Resumable:Models:{Model}:MaxRetries"] = maxRetries,
        [$"Resumable:Models:{Model}:RetryDelay"] = retryDelay,
    },
        services =>
        {
            services.AddFakeLogging();
            if (clock is not null)
            {
                services.AddSingleton<TimeProvider>(clock);
            }
        });

    // Moves the server's clock on by a step per look until the response is terminal: a timeout fires when the
    // clock passes it, whenever its timer was set.
    private static async Task<JsonElement> AdvanceUntilTerminalAsync(HttpClient client, FakeTimeProvider clock, string id, TimeSpan step)
    {
        await Eventually.UntilAsync(
            async () =>
            {
                clock.Advance(step);
                return (await client.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString() is "completed" or "failed" or "incomplete" or "cancelled";
            },
            $"{id} to reach a terminal status as the clock moves");
        return await client.GetJsonAsync($"v1/responses/{id}");
    }

    private static async Task<string> CreateAsync(HttpClient client, object? extra = null)
    {
        var response = await client.PostAsJsonAsync("v1/responses", extra ?? new { model = Model, input = "Say hello", background = true });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task AnEmojiEscapedAsASurrogatePairSplitAcrossTwoDeltas_ArrivesWhole_AndALoneHalfBecomesAReplacementCharacter()
    {
        // Escapes written by hand: a JSON serializer would not produce a lone surrogate, but upstreams that stream
        // UTF-16 code units do.
        static string Raw(string escapedContent) =>
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + escapedContent + "\"},\"finish_reason\":null}]}\n\n";

        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, Raw("Launch \\ud83d"));
            await FakeUpstream.WriteAsync(context, Raw("\\ude80 done\\n"));
            await FakeUpstream.WriteAsync(context, Raw("lone \\ude00 low, "));
            await FakeUpstream.WriteAsync(context, Raw("lone high at the end \\ud83d"));
            await FakeUpstream.WriteAsync(context, FakeUpstream.FinishChunk("stop") + FakeUpstream.UsageChunk(5, 4) + "data: [DONE]\n\n");
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var id = await CreateAsync(client);
        var done = await client.WaitForTerminalAsync(id);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Launch 🚀 done\nlone \uFFFD low, lone high at the end \uFFFD", ResponsesApi.OutputText(done));
        var deltas = (await client.ReadAllEventsAsync(id)).Where(f => f.Event == "response.output_text.delta").Select(f => f.Json.GetProperty("delta").GetString()).ToList();
        Assert.Equal(["Launch ", "🚀 done\n", "lone \uFFFD low, ", "lone high at the end ", "\uFFFD"], deltas);
    }

    [Fact]
    public async Task StreamedDeltas_SplitInsideACharacter_BecomeWholeTextWithTheUpstreamsUsage()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("Hello"));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk(" wörld"));

            // One event's bytes in two writes, cut inside the four bytes of the rocket.
            var rocket = Encoding.UTF8.GetBytes(FakeUpstream.ContentChunk(" 🚀!"));
            var cut = Array.IndexOf(rocket, (byte)0xF0) + 2;
            await FakeUpstream.WriteAsync(context, rocket.AsMemory(0, cut));
            await FakeUpstream.WriteAsync(context, rocket.AsMemory(cut));
            await FakeUpstream.WriteAsync(context, ": a comment line\n\n" + FakeUpstream.FinishChunk("stop") + FakeUpstream.UsageChunk(11, 3) + "data: [DONE]\n\n");
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var id = await CreateAsync(client, new { model = Model, input = "Say hello", instructions = "Be brief.", temperature = 0.5, top_p = 0.9, max_output_tokens = 64, background = true });
        var done = await client.WaitForTerminalAsync(id);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("Hello wörld 🚀!", ResponsesApi.OutputText(done));
        Assert.Equal(11, done.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(3, done.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        var deltas = (await client.ReadAllEventsAsync(id)).Where(f => f.Event == "response.output_text.delta").Select(f => f.Json.GetProperty("delta").GetString()).ToList();
        Assert.Equal(["Hello", " wörld", " 🚀!"], deltas);

        // What went upstream: its own model name, the instructions as a system message, the sampling settings, usage asked for.
        var sent = Assert.Single(fake.Bodies);
        Assert.Equal("gpt-upstream", sent.GetProperty("model").GetString());
        Assert.Equal("system", sent.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", sent.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("user", sent.GetProperty("messages")[1].GetProperty("role").GetString());
        Assert.Equal("Say hello", sent.GetProperty("messages")[1].GetProperty("content").GetString());
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.True(sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, sent.GetProperty("top_p").GetDouble());
        Assert.Equal(64, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal($"Bearer {UpstreamKey}", Assert.Single(fake.Authorizations));
    }

    [Theory]
    [InlineData("length", "max_output_tokens")]
    [InlineData("content_filter", "content_filter")]
    public async Task FinishReason_StoppingShort_EndsIncompleteWithItsReason(string finishReason, string incompleteReason)
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = (context, _) => FakeUpstream.StreamAsync(context, ["cut ", "short"], finishReason);
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var done = await client.WaitForTerminalAsync(await CreateAsync(client));

        Assert.Equal("incomplete", done.GetProperty("status").GetString());
        Assert.Equal(incompleteReason, done.GetProperty("incomplete_details").GetProperty("reason").GetString());
        Assert.Equal("cut short", ResponsesApi.OutputText(done));
    }

    [Fact]
    public async Task SlowFirstToken_LongerThanTheStallTimeout_IsWaitedForWithinTheFirstTokenTimeout()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var firstToken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var headersSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Handler = async (context, _) =>
        {
            // Headers at once, then silence (a queue, a long prompt) until the test has moved the clock on.
            FakeUpstream.StartStream(context);
            await context.Response.StartAsync(context.RequestAborted);

            // Out on the wire now (StartAsync alone leaves them in Kestrel's buffer): the client is reading the body.
            await context.Response.Body.FlushAsync(context.RequestAborted);
            headersSent.TrySetResult();
            await firstToken.Task.WaitAsync(context.RequestAborted);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("worth ") + FakeUpstream.ContentChunk("the wait") + FakeUpstream.FinishChunk("stop") + "data: [DONE]\n\n");
        };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = Server(fake, clock: clock);
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);
        await headersSent.Task.WaitAsync(Eventually.HangBound);

        // Nine times the 1 s stall timeout passes in silence, within the 10 s for a first token.
        var silent = TimeSpan.Zero;
        await Eventually.UntilAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(500));
                silent += TimeSpan.FromMilliseconds(500);
                Assert.Equal("in_progress", (await client.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString());
                return silent >= TimeSpan.FromSeconds(9);
            },
            "nine seconds of silence on the server's clock");
        firstToken.SetResult();

        var done = await client.WaitForTerminalAsync(id);

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("worth the wait", ResponsesApi.OutputText(done));
        Assert.Equal(1, fake.Requests);
    }

    [Fact]
    public async Task HungUpstream_ThatNeverAnswers_FailsAfterTheFirstTokenTimeoutOnEveryAttempt_AndIsAborted()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = (context, _) => FakeUpstream.UntilAbortedAsync(context);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // Retried at once, so that the only wait on the clock is each attempt's own timeout.
        await using var server = Server(fake, firstTokenTimeout: "00:00:00.500", maxRetries: "1", clock: clock, retryDelay: "00:00:00");
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);

        // The clock moves past the timeout only once the fake holds the attempt: an attempt's deadline is set before
        // it is sent, and moving the clock while it is still on its way would time it out before the fake counts it.
        var timedOut = 0;
        await Eventually.UntilAsync(
            async () =>
            {
                if (fake.Requests > timedOut)
                {
                    timedOut = fake.Requests;
                    clock.Advance(TimeSpan.FromMilliseconds(600));
                }

                return (await client.GetJsonAsync($"v1/responses/{id}")).GetProperty("status").GetString() == "failed";
            },
            "every attempt to time out");
        var done = await client.GetJsonAsync($"v1/responses/{id}");

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_unavailable", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("no answer within 0.5 s", done.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, fake.Requests);
        await Eventually.UntilAsync(() => Task.FromResult(fake.Aborted == 2), "both attempts to be aborted");
    }

    [Fact]
    public async Task TooManyRequestsThenSuccess_IsRetriedBeforeTheFirstToken()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, index) =>
        {
            if (index == 0)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
                await context.Response.WriteAsJsonAsync(new { error = new { message = "Rate limit reached", type = "requests" } });
                return;
            }

            await FakeUpstream.StreamAsync(context, ["after ", "a retry"], "stop");
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var done = await client.WaitForTerminalAsync(await CreateAsync(client));

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("after a retry", ResponsesApi.OutputText(done));
        Assert.Equal(2, fake.Requests);
    }

    [Fact]
    public async Task ServerErrorsPastTheRetryBudget_FailWithTheUpstreamsReason()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            context.Response.StatusCode = 503;
            await context.Response.WriteAsJsonAsync(new { error = new { message = "model is loading" } });
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var done = await client.WaitForTerminalAsync(await CreateAsync(client));

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_unavailable", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("model is loading", done.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, fake.Requests);
    }

    [Fact]
    public async Task FailureMidStream_EndsFailedWithThePartialOutputAndTheReason()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("partial "));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("output"));
            await FakeUpstream.WriteAsync(context, "data: {\"error\":{\"message\":\"the GPU fell over\",\"type\":\"server_error\"}}\n\n");
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var done = await client.WaitForTerminalAsync(await CreateAsync(client));

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_error", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("the GPU fell over", done.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("partial output", ResponsesApi.OutputText(done));
        Assert.Equal(1, fake.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UpstreamGoneBeforeItsLastChunk_EndsFailedWithThePartialOutput(bool abortConnection)
    {
        await using var fake = await FakeUpstream.StartAsync();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("half a "));
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("thought"));

            // Gone only once the text has arrived: an abort can drop bytes still on their way out.
            await received.Task.WaitAsync(context.RequestAborted);
            if (abortConnection)
            {
                context.Abort();
            }
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);
        await Eventually.UntilAsync(async () => ResponsesApi.OutputText(await client.GetJsonAsync($"v1/responses/{id}")) == "half a thought", "the partial text to arrive");
        received.SetResult();

        var done = await client.WaitForTerminalAsync(id);

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_error", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("half a thought", ResponsesApi.OutputText(done));
        Assert.Equal(1, fake.Requests);
    }

    [Fact]
    public async Task SilentUpstream_EndsFailedAfterTheStallTimeout_AndIsAborted()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("and then "));
            await FakeUpstream.UntilAbortedAsync(context);
        };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = Server(fake, clock: clock);
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);
        await Eventually.UntilAsync(async () => ResponsesApi.OutputText(await client.GetJsonAsync($"v1/responses/{id}")) == "and then ", "the first delta");

        var done = await AdvanceUntilTerminalAsync(client, clock, id, TimeSpan.FromMilliseconds(1_100));

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_timeout", done.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("and then ", ResponsesApi.OutputText(done));
        await Eventually.UntilAsync(() => Task.FromResult(fake.Aborted == 1), "the upstream request to be aborted");
    }

    [Fact]
    public async Task Cancel_AbortsTheUpstreamRequestAtOnce()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("long "));
            streaming.TrySetResult();
            await FakeUpstream.UntilAbortedAsync(context);
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);
        await streaming.Task.WaitAsync(Eventually.HangBound);
        await client.WaitForStatusAsync(id, "in_progress");

        var cancelled = await client.PostAsync($"v1/responses/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", JsonDocument.Parse(await cancelled.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        await Eventually.UntilAsync(() => Task.FromResult(fake.Aborted == 1), "the upstream request to be aborted");
    }

    [Fact]
    public async Task Delete_AbortsTheUpstreamRequestAtOnce()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            FakeUpstream.StartStream(context);
            await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("going "));
            await FakeUpstream.UntilAbortedAsync(context);
        };
        await using var server = Server(fake);
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);
        await Eventually.UntilAsync(async () => ResponsesApi.OutputText(await client.GetJsonAsync($"v1/responses/{id}")) == "going ", "the first delta");

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"v1/responses/{id}")).StatusCode);

        await Eventually.UntilAsync(() => Task.FromResult(fake.Aborted == 1), "the upstream request to be aborted");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"v1/responses/{id}")).StatusCode);
    }

    [Fact]
    public async Task FiftySequentialResponses_UseOneUpstreamConnection()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = (context, index) => FakeUpstream.StreamAsync(context, [$"answer {index}"], "stop");
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        for (var i = 0; i < 50; i++)
        {
            var done = await client.WaitForTerminalAsync(await CreateAsync(client));
            Assert.Equal($"answer {i}", ResponsesApi.OutputText(done));
        }

        Assert.Equal(50, fake.Requests);
        Assert.Equal(1, fake.Connections);
    }

    [Fact]
    public async Task UpstreamOfferingHttp2OverTls_IsSpokenToOverHttp2_OnOneConnection()
    {
        using var certificate = SelfSignedLoopbackCertificate();
        await using var fake = await FakeUpstream.StartAsync(certificate);
        fake.Handler = (context, index) => FakeUpstream.StreamAsync(context, [$"answer {index}"], "stop");
        await using var server = ResumableAppFactory.Create(
            new Dictionary<string, string?> { [$"Resumable:Models:{Model}:BaseUrl"] = fake.BaseUrl.ToString() },
            services => services.ConfigureAll<HttpClientFactoryOptions>(options => options.HttpMessageHandlerBuilderActions.Add(builder =>
            {
                // The only change to the server's own upstream handler: it trusts the test's certificate.
                var handler = Assert.IsType<SocketsHttpHandler>(builder.PrimaryHandler);
                handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString();
            })));
        using var client = server.CreateApiClient();

        for (var i = 0; i < 3; i++)
        {
            var done = await client.WaitForTerminalAsync(await CreateAsync(client));
            Assert.Equal($"answer {i}", ResponsesApi.OutputText(done));
        }

        Assert.Equal(["HTTP/2", "HTTP/2", "HTTP/2"], fake.Protocols);
        Assert.Equal(1, fake.Connections);
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Kestrel needs the private key in a form the platform's TLS can use: a PKCS#12 round trip gives it that.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }

    [Fact]
    public async Task UpstreamRefusal_FailsWithItsReason_AndNeverShowsTheKey()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"Incorrect API key provided: {UpstreamKey}." } });
        };
        await using var server = Server(fake, everyLog: true);
        using var client = server.CreateApiClient();

        var id = await CreateAsync(client);
        var done = await client.WaitForTerminalAsync(id);

        Assert.Equal("failed", done.GetProperty("status").GetString());
        Assert.Equal("upstream_rejected", done.GetProperty("error").GetProperty("code").GetString());

        // Not in any log line either, at any level (the HTTP client's own trace of the request's headers included).
        var logs = server.Services.GetFakeLogCollector().GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.All(logs, record => Assert.DoesNotContain(UpstreamKey, record.Message + record.Exception, StringComparison.Ordinal));
        Assert.Contains("Incorrect API key provided", done.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, fake.Requests);
        using var admin = server.CreateApiClient(TestKeys.Admin);
        foreach (var text in new[] { done.GetRawText(), Encoding.UTF8.GetString(ResponsesApi.RawBytes(await client.ReadAllEventsAsync(id))), await admin.GetStringAsync($"admin/responses/{id}") })
        {
            Assert.DoesNotContain(UpstreamKey, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ResumeAfterEveryEvent_DeliversExactlyTheRestOfTheStream()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.Handler = (context, _) => FakeUpstream.StreamAsync(context, ["one ", "two ", "três ", "四 ", "🖐"], "stop");
        await using var server = Server(fake);
        using var client = server.CreateApiClient();
        var id = await CreateAsync(client);
        await client.WaitForTerminalAsync(id);

        var whole = await client.ReadAllEventsAsync(id);
        Assert.Equal("response.completed", whole[^1].Event);
        foreach (var cut in whole.Take(whole.Count - 1))
        {
            var rest = await client.ReadAllEventsAsync(id, startingAfter: cut.SequenceNumber);
            Assert.Equal(ResponsesApi.RawBytes(whole.SkipWhile(f => f.SequenceNumber <= cut.SequenceNumber)), ResponsesApi.RawBytes(rest));
        }
    }

    [Fact]
    public async Task ConcurrencyLimit_QueuesResponsesInsteadOfOverloadingTheUpstream()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var running = 0;
        var most = 0;
        var release = new SemaphoreSlim(0);
        fake.Handler = async (context, index) =>
        {
            InterlockedMax(ref most, Interlocked.Increment(ref running));
            try
            {
                FakeUpstream.StartStream(context);
                await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk($"r{index} "));

                // Each request is held until the test lets one go, so the limit is reached, not just never passed.
                await release.WaitAsync(context.RequestAborted);
                await FakeUpstream.WriteAsync(context, FakeUpstream.ContentChunk("done") + FakeUpstream.FinishChunk("stop") + "data: [DONE]\n\n");
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        };
        await using var server = ResumableAppFactory.Create(new Dictionary<string, string?>
        {
            [$"Resumable:Models:{Model}:BaseUrl"] = fake.BaseUrl.ToString(),
            [$"Resumable:Models:{Model}:MaxConcurrency"] = "2",
        });
        using var client = server.CreateApiClient();

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CreateAsync(client)));
        for (var left = 8; left > 0; left--)
        {
            var expected = Math.Min(2, left);
            await Eventually.UntilAsync(() => Task.FromResult(Volatile.Read(ref running) == expected && fake.Requests == 8 - left + expected), $"{expected} requests to be running upstream");
            release.Release();
        }

        foreach (var id in ids)
        {
            Assert.Equal("completed", (await client.WaitForTerminalAsync(id)).GetProperty("status").GetString());
        }

        Assert.Equal(8, fake.Requests);
        Assert.True(Volatile.Read(ref most) <= 2, $"{most} requests ran against the upstream at once");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen && Interlocked.CompareExchange(ref target, value, seen) is var previous && previous != seen)
        {
            seen = previous;
        }
    }

    [Fact]
    public async Task UnknownModel_IsRefusedWith400InTheOpenAIShape()
    {
        await using var fake = await FakeUpstream.StartAsync();
        await using var server = Server(fake);
        using var client = server.CreateApiClient();

        var response = await client.PostAsJsonAsync("v1/responses", new { model = "no-such-model", input = "hi" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal(0, fake.Requests);
    }
}
