using System.Numerics;
using Microsoft.Extensions.Options;

namespace Resumable.Storage.Faster;

/// <summary>Cross-field rules of <see cref="WalOptions"/>; messages print the values.</summary>
internal sealed class WalOptionsValidator : IValidateOptions<WalOptions>
{
    private readonly WalOptionsDataAnnotationsValidator _annotations = new();

    public ValidateOptionsResult Validate(string? name, WalOptions options)
    {
        var annotations = _annotations.Validate(name, options);
        if (annotations.Failed)
        {
            return annotations;
        }

        var failures = new List<string>();
        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add($"Resumable:Wal:Durability must be None, Async or Sync (got {options.Durability}).");
        }

        foreach (var (field, value) in new[] { ("SegmentSizeBytes", options.SegmentSizeBytes), ("MemorySizeBytes", options.MemorySizeBytes), ("PageSizeBytes", options.PageSizeBytes) })
        {
            if (!BitOperations.IsPow2(value))
            {
                failures.Add($"Resumable:Wal:{field} must be a power of two (got {value}).");
            }
        }

        if (options.MemorySizeBytes < 2 * options.PageSizeBytes)
        {
            failures.Add($"Resumable:Wal:MemorySizeBytes ({options.MemorySizeBytes}) must be at least twice PageSizeBytes ({options.PageSizeBytes}).");
        }

        if (options.SegmentSizeBytes < options.PageSizeBytes)
        {
            failures.Add($"Resumable:Wal:SegmentSizeBytes ({options.SegmentSizeBytes}) must be at least PageSizeBytes ({options.PageSizeBytes}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
