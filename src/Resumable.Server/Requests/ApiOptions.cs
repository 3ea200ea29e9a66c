using System.ComponentModel.DataAnnotations;

namespace Resumable.Server.Requests;

/// <summary>Limits and hints of the HTTP API. Section <c>Resumable:Api</c>.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Api";

    /// <summary>The largest accepted request body; larger ones get 413. Default 1,048,576 bytes; 1 KiB to 64 MiB.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>The <c>openai-poll-after-ms</c> hint sent while a response is not finished. Default 500 ms; 1 to 60,000.</summary>
    [Range(1, 60_000)]
    public int PollAfterMilliseconds { get; set; } = 500;
}
