using Microsoft.Extensions.Options;

namespace Resumable.Server.Requests;

/// <summary>Validates <see cref="ApiOptions"/> from its DataAnnotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class ApiOptionsValidator : IValidateOptions<ApiOptions>;
