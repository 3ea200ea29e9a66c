using Microsoft.Extensions.Options;
using Resumable.Core.Persistence;
using Resumable.Storage.Faster;

namespace Resumable.Server.Cluster;

/// <summary>
/// A node that shares Redis publishes its cursors as its log commits them; with durability <c>None</c> nothing is
/// committed, so Redis would never learn how its responses end. The combination is refused at start-up.
/// </summary>
internal sealed class SharedDurabilityValidator : IValidateOptions<WalOptions>
{
    public ValidateOptionsResult Validate(string? name, WalOptions options) =>
        options.Durability == DurabilityMode.None
            ? ValidateOptionsResult.Fail("Resumable:Wal:Durability None cannot be combined with Resumable:Redis:Configuration: nodes share the cursors of a durable log. Use Async (the default) or Sync.")
            : ValidateOptionsResult.Success;
}
