using Microsoft.Extensions.Options;

namespace Resumable.Redis;

/// <summary>Validates <see cref="RedisOptions"/> from its DataAnnotations at start-up.</summary>
[OptionsValidator]
internal sealed partial class RedisOptionsValidator : IValidateOptions<RedisOptions>;
