using Microsoft.Extensions.Options;

namespace Resumable.Server.Upstream;

/// <summary>Checks every configured upstream model at start-up, naming the model and the option; never shows a key.</summary>
internal sealed class UpstreamModelsValidator : IValidateOptions<Dictionary<string, UpstreamModelOptions>>
{
    public ValidateOptionsResult Validate(string? name, Dictionary<string, UpstreamModelOptions> models)
    {
        var builder = new ValidateOptionsResultBuilder();
        foreach (var (model, options) in models)
        {
            var prefix = $"{UpstreamModelOptions.SectionName}:{model}";
            if (string.Equals(model, "synthetic", StringComparison.Ordinal))
            {
                builder.AddError($"{prefix}: 'synthetic' is the built-in model; name the upstream model otherwise.");
            }

            if (options.BaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                builder.AddError($"{prefix}:BaseUrl must be an absolute http or https URL (e.g. https://api.openai.com/v1).");
            }

            if (options.Protocol is not ("chat_completions" or "responses"))
            {
                builder.AddError($"{prefix}:Protocol '{options.Protocol}' is not known; use chat_completions or responses.");
            }

            if (options.ApiKeyEnvironmentVariable is { Length: > 0 } variable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
            {
                builder.AddError($"{prefix}:ApiKeyEnvironmentVariable names '{variable}', which is not set.");
            }

            Check(builder, options.ConnectTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), $"{prefix}:ConnectTimeout");
            Check(builder, options.FirstTokenTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), $"{prefix}:FirstTokenTimeout");
            Check(builder, options.StallTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), $"{prefix}:StallTimeout");
            Check(builder, options.RetryDelay, TimeSpan.Zero, TimeSpan.FromSeconds(8), $"{prefix}:RetryDelay");
            if (options.MaxConcurrency is < 1 or > 10_000)
            {
                builder.AddError($"{prefix}:MaxConcurrency must be 1 to 10000.");
            }

            if (options.MaxRetries is < 0 or > 10)
            {
                builder.AddError($"{prefix}:MaxRetries must be 0 to 10.");
            }
        }

        return builder.Build();
    }

    private static void Check(ValidateOptionsResultBuilder builder, TimeSpan value, TimeSpan min, TimeSpan max, string option)
    {
        if (value < min || value > max)
        {
            builder.AddError($"{option} ({value}) must be from {min} to {max}.");
        }
    }
}
