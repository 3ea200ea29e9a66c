using Resumable.Testing;

namespace Resumable.Server.Tests.Hosting;

public class StartupValidationTests
{
    [Theory]
    [InlineData("Resumable:Queue:Workers", "0", "Workers")]
    [InlineData("Resumable:Queue:Capacity", "-1", "Capacity")]
    [InlineData("Resumable:Retention:Retention", "00:00:00", "Retention")]
    [InlineData("Resumable:Streaming:KeepAliveInterval", "00:00:00.001", "KeepAliveInterval")]
    [InlineData("Resumable:Synthetic:TokensPerSecond", "-3", "TokensPerSecond")]
    [InlineData("Resumable:Api:MaxRequestBodyBytes", "10", "MaxRequestBodyBytes")]
    [InlineData("Resumable:Auth:Keys:0:Key", "short", "at least 8 characters")]
    [InlineData("Resumable:Auth:AdminKey", TestKeys.TenantA, "must differ from every tenant key")]
    public async Task Start_WithAnInvalidOption_FailsWithAMessageNamingIt(string key, string value, string expected)
    {
        await using var factory = ResumableAppFactory.Create(new Dictionary<string, string?> { [key] = value });

        var failure = Record.Exception(() => factory.CreateApiClient());

        Assert.NotNull(failure);
        var messages = string.Join(" | ", Flatten(failure).Select(e => e.Message));
        Assert.Contains(expected, messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } i ? [i] : [];
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }
}
