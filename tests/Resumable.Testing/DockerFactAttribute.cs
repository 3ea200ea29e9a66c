using Xunit;

namespace Resumable.Testing;

/// <summary>
/// A fact that needs a Docker daemon. Where Docker cannot run it is skipped with the reason
/// ("Docker cannot run here: …"), unless <c>RESUMABLE_REQUIRE_DOCKER=1</c> says Docker must be
/// there (scripts/test.sh sets it once Docker runs): then it is not skipped, and fails. Fixtures
/// should call <see cref="DockerEnvironment.ThrowIfUnavailable"/> first, so that the failure
/// names the reason.
/// </summary>
public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        if (!DockerEnvironment.IsAvailable && !DockerEnvironment.Required)
        {
            Skip = $"Docker cannot run here: {DockerEnvironment.UnavailableReason}";
        }
    }
}
