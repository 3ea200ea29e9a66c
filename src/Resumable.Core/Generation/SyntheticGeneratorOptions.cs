using System.ComponentModel.DataAnnotations;

namespace Resumable.Core.Generation;

/// <summary>Defaults of the synthetic model (<c>"model": "synthetic"</c>). Section <c>Resumable:Synthetic</c>.
/// Each can be overridden per request through metadata keys (see <see cref="SyntheticSettings"/>).</summary>
public sealed class SyntheticGeneratorOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Synthetic";

    /// <summary>Delay before the first token, in milliseconds. Default 200; 0 to 600,000.</summary>
    [Range(0, 600_000)]
    public int TimeToFirstTokenMs { get; set; } = 200;

    /// <summary>Output pace in tokens per second; 0 means as fast as possible. Default 25; 0 to 10,000,000.</summary>
    [Range(0d, 10_000_000d)]
    public double TokensPerSecond { get; set; } = 25;

    /// <summary>Output length in tokens. Default 64; 1 to 1,000,000.</summary>
    [Range(1, 1_000_000)]
    public int OutputTokens { get; set; } = 64;
}
