using Microsoft.Extensions.Options;

namespace Resumable.Core.Streaming;

/// <summary>Validates <see cref="StreamingOptions"/> from its DataAnnotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class StreamingOptionsValidator : IValidateOptions<StreamingOptions>;
