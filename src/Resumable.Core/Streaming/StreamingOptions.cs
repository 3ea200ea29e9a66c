using System.ComponentModel.DataAnnotations;

namespace Resumable.Core.Streaming;

/// <summary>How SSE streams are written. Section <c>Resumable:Streaming</c>.</summary>
public sealed class StreamingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Streaming";

    /// <summary>How long a stream may stay silent before a keep-alive comment (<c>: keep-alive</c>) is sent.
    /// Default 15 seconds; 100 ms to 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most bytes a reader that is behind writes before it flushes. It drains everything available up
    /// to this bound and flushes once; the bound (plus the server's response buffer) is also the most
    /// memory a stalled reader can hold. Default 65,536 bytes; 1 KiB to 16 MiB.
    /// </summary>
    [Range(1_024, 16 * 1024 * 1024)]
    public int MaxFlushBytes { get; set; } = 64 * 1024;
}
