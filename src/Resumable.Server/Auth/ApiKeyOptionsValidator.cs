using Microsoft.Extensions.Options;

namespace Resumable.Server.Auth;

/// <summary>Cross-field checks of <see cref="ApiKeyOptions"/>; messages name the offending entry.</summary>
internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    private const int MinimumKeyLength = 8;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var entry = options.Keys[i];
            var key = entry.Key ?? "";
            if (key.Length < MinimumKeyLength)
            {
                failures.Add($"Resumable:Auth:Keys:{i}:Key must be at least {MinimumKeyLength} characters (got {key.Length}).");
            }

            if (string.IsNullOrWhiteSpace(entry.Tenant))
            {
                failures.Add($"Resumable:Auth:Keys:{i}:Tenant must not be empty.");
            }

            if (!seen.Add(key))
            {
                failures.Add($"Resumable:Auth:Keys:{i}:Key repeats an earlier key; each key maps to one tenant.");
            }
        }

        if (options.AdminKey is { } admin)
        {
            if (admin.Length < MinimumKeyLength)
            {
                failures.Add($"Resumable:Auth:AdminKey must be at least {MinimumKeyLength} characters (got {admin.Length}).");
            }

            if (seen.Contains(admin))
            {
                failures.Add("Resumable:Auth:AdminKey must differ from every tenant key.");
            }
        }

        if (options.MetricsKey is { } metrics)
        {
            if (metrics.Length < MinimumKeyLength)
            {
                failures.Add($"Resumable:Auth:MetricsKey must be at least {MinimumKeyLength} characters (got {metrics.Length}).");
            }

            if (seen.Contains(metrics) || metrics == options.AdminKey)
            {
                failures.Add("Resumable:Auth:MetricsKey must differ from the admin key and every tenant key.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
