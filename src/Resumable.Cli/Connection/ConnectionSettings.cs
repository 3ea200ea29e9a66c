using System.CommandLine;

namespace Resumable.Cli.Connection;

/// <summary>Where the server is and the keys to present, from the options or, when absent, the environment.</summary>
internal sealed record ConnectionSettings(Uri BaseAddress, string? ApiKey, string? AdminKey)
{
    public static ConnectionSettings From(ParseResult parseResult)
    {
        var url = NonEmpty(parseResult.GetValue(GlobalOptions.Url)) ?? NonEmpty(Environment.GetEnvironmentVariable("RESUMABLE_URL")) ?? GlobalOptions.DefaultUrl;
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress)
            || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"'{url}' is not an http:// or https:// URL.");
        }

        var apiKey = NonEmpty(parseResult.GetValue(GlobalOptions.ApiKey)) ?? NonEmpty(Environment.GetEnvironmentVariable("RESUMABLE_API_KEY"));
        var adminKey = NonEmpty(parseResult.GetValue(GlobalOptions.AdminKey)) ?? NonEmpty(Environment.GetEnvironmentVariable("RESUMABLE_ADMIN_KEY"));
        return new ConnectionSettings(baseAddress, apiKey, adminKey);
    }

    /// <summary>A client that presents the API key (tenant endpoints).</summary>
    public ApiClient TenantClient() => new(BaseAddress, ApiKey);

    /// <summary>A client that presents the admin key, or the API key when no admin key is given (admin endpoints).</summary>
    public ApiClient AdminClient() => new(BaseAddress, AdminKey ?? ApiKey);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
