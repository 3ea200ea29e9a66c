namespace Resumable.Server.Upstream;

/// <summary>
/// One model served by an OpenAI-compatible upstream (OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp, LiteLLM…).
/// Section <c>Resumable:Models:&lt;name&gt;</c>; a request's <c>model</c> picks the entry by its name.
/// </summary>
public sealed class UpstreamModelOptions
{
    /// <summary>The configuration section holding one entry per model name.</summary>
    public const string SectionName = "Resumable:Models";

    /// <summary>The upstream's API base, up to and including its version, e.g. <c>https://api.openai.com/v1</c> or <c>http://vllm:8000/v1</c>.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The API key sent as <c>Authorization: Bearer …</c>; prefer <see cref="ApiKeyEnvironmentVariable"/>. Never logged or shown.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The name of an environment variable that holds the API key (read at start-up).</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>The model name the upstream knows; default: the entry's name.</summary>
    public string? UpstreamModel { get; set; }

    /// <summary>
    /// <c>chat_completions</c> (default): <c>POST {BaseUrl}/chat/completions</c> with <c>stream: true</c>, which every
    /// compatible server speaks; or <c>responses</c>: <c>POST {BaseUrl}/responses</c> with <c>stream: true</c>.
    /// </summary>
    public string Protocol { get; set; } = "chat_completions";

    /// <summary>How long connecting to the upstream may take. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the upstream may take to send its first token (queueing, prompt processing). Default 2 minutes.</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the upstream may go without sending a byte once it streams; past it the response fails. Default 30 seconds.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many responses of this model may run against the upstream at once; more wait for a turn. Default 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>How many times a request refused before its first token (429, 5xx, connection failure) is retried. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The delay before the first retry, doubled per attempt up to 8 seconds and jittered by ±50 %; an upstream's
    /// <c>Retry-After</c> (up to 30 seconds) takes its place. Default 250 milliseconds.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);
}
