using Microsoft.Extensions.Options;

namespace Resumable.Core.Jobs;

/// <summary>Validates <see cref="QueueOptions"/> from its DataAnnotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class QueueOptionsValidator : IValidateOptions<QueueOptions>;
