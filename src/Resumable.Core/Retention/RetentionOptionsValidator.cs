using Microsoft.Extensions.Options;

namespace Resumable.Core.Retention;

/// <summary>Validates <see cref="RetentionOptions"/> from its DataAnnotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
