using Microsoft.Extensions.Options;

namespace Resumable.Storage.Faster;

/// <summary>Validates <see cref="WalOptions"/>: the single-field rules from its DataAnnotations (generated).</summary>
[OptionsValidator]
internal sealed partial class WalOptionsDataAnnotationsValidator : IValidateOptions<WalOptions>;

