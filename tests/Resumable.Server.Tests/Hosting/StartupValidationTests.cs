using Resumable.Testing;

namespace Resumable.Server.Tests.Hosting;

public class StartupValidationTests
{
    // The real server as a child process: a start-up that fails must end the process with a message naming the
    // option (WebApplicationFactory's deferred host can report a failed start as an unrelated disposal instead).
    [Theory]
    [InlineData("Resumable:Queue:Workers", "0", "Workers")]
    [InlineData("Resumable:Queue:Capacity", "-1", "Capacity")]
    [InlineData("Resumable:Retention:Retention", "00:00:00", "Retention")]
    [InlineData("Resumable:Streaming:KeepAliveInterval", "00:00:00.001", "KeepAliveInterval")]
    [InlineData("Resumable:Synthetic:TokensPerSecond", "-3", "TokensPerSecond")]
    [InlineData("Resumable:Api:MaxRequestBodyBytes", "10", "MaxRequestBodyBytes")]
    [InlineData("Resumable:Auth:Keys:0:Key", "short", "at least 8 characters")]
    [InlineData("Resumable:Auth:AdminKey", TestKeys.TenantA, "must differ from every tenant key")]
    [InlineData("Resumable:Auth:MetricsKey", TestKeys.TenantA, "Resumable:Auth:MetricsKey must differ from the admin key and every tenant key")]
    [InlineData("Resumable:Auth:MetricsKey", "short", "Resumable:Auth:MetricsKey must be at least 8 characters")]
    [InlineData("Resumable:Models:gpt:BaseUrl", "not-a-url", "Resumable:Models:gpt:BaseUrl must be an absolute http or https URL")]
    [InlineData("Resumable:Models:gpt:ApiKeyEnvironmentVariable", "RESUMABLE_TEST_VARIABLE_THAT_IS_NOT_SET", "which is not set")]
    [InlineData("Resumable:Models:gpt:RetryDelay", "00:00:09", "Resumable:Models:gpt:RetryDelay (00:00:09) must be from")]
    [InlineData("Resumable:Models:synthetic:BaseUrl", "http://127.0.0.1:1/v1", "'synthetic' is the built-in model")]
    public async Task Start_WithAnInvalidOption_FailsWithAMessageNamingIt(string key, string value, string expected)
    {
        using var data = new TempDirectory("startup");
        var settings = new Dictionary<string, string>
        {
            ["Resumable:Wal:Directory"] = data.Path,
            ["Resumable:Auth:Keys:0:Key"] = TestKeys.TenantA,
            ["Resumable:Auth:Keys:0:Tenant"] = "tenant-a",
            [key] = value,
        };

        // Should it start after all, the server is stopped again rather than left running.
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            var (started, _) = await ServerProcess.StartAsync(settings, TimeSpan.FromSeconds(60));
            started.Dispose();
        });

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Message.Contains(expected, StringComparison.Ordinal), $"'{expected}' not named in:\n{failure.Message}");
    }

    // A node that shares Redis: what it needs to be found by the others, and what cannot go with sharing.
    [Theory]
    [InlineData(null, null, "InternalUrl must be set")]
    [InlineData("Resumable:Node:InternalUrl", "/relative", "InternalUrl must be set")]
    [InlineData("Resumable:Wal:Durability", "None", "Durability None cannot be combined")]
    [InlineData("Resumable:Node:HeartbeatTtl", "00:00:03", "HeartbeatTtl")]
    [InlineData("Resumable:Node:Id", "no spaces please", "Resumable:Node:Id must be")]
    [InlineData("Resumable:Redis:CommandTimeout", "00:00:00", "CommandTimeout")]
    public async Task Start_WithRedisAndAnInvalidNodeOption_FailsWithAMessageNamingIt(string? key, string? value, string expected)
    {
        using var data = new TempDirectory("startup-cluster");
        var settings = new Dictionary<string, string>
        {
            ["Resumable:Wal:Directory"] = data.Path,
            ["Resumable:Auth:Keys:0:Key"] = TestKeys.TenantA,
            ["Resumable:Auth:Keys:0:Tenant"] = "tenant-a",
            ["Resumable:Redis:Configuration"] = "127.0.0.1:1",
        };
        if (key != "Resumable:Node:InternalUrl" && value is not null)
        {
            settings["Resumable:Node:InternalUrl"] = "http://127.0.0.1:5080";
        }

        if (key is not null)
        {
            settings[key] = value!;
        }

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            var (started, _) = await ServerProcess.StartAsync(settings, TimeSpan.FromSeconds(60));
            started.Dispose();
        });

        Assert.Contains("exited", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.Message.Contains(expected, StringComparison.Ordinal), $"'{expected}' not named in:\n{failure.Message}");
    }
}
