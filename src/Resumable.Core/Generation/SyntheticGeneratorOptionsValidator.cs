using Microsoft.Extensions.Options;

namespace Resumable.Core.Generation;

/// <summary>Validates <see cref="SyntheticGeneratorOptions"/> from its DataAnnotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class SyntheticGeneratorOptionsValidator : IValidateOptions<SyntheticGeneratorOptions>;
