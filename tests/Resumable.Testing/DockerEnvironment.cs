using System.ComponentModel;
using System.Diagnostics;

namespace Resumable.Testing;

/// <summary>
/// What the Docker tests need to know about this machine: whether a Docker daemon answers, whether
/// Docker is required (then the tests fail instead of skipping), and which images to run.
/// </summary>
/// <remarks>
/// The images come from the environment and default to the standard public ones. On a machine
/// that cannot pull from a registry, <c>scripts/test.sh</c> builds local images from the
/// machine's own binaries (<c>scripts/local-images.sh</c>) and exports their names, starts
/// <c>dockerd</c> when it can, and then sets <c>RESUMABLE_REQUIRE_DOCKER=1</c>.
/// </remarks>
public static class DockerEnvironment
{
    /// <summary>
    /// The prefix of every compose project name a test uses (<c>docker-compose -p</c>), by which
    /// <c>scripts/test.sh</c> finds what a crashed test left behind.
    /// </summary>
    public const string ComposeProjectPrefix = "resumable-test";

    /// <summary>The Docker API version Testcontainers asks for unless told otherwise (since 4.10).</summary>
    private static readonly Version _testcontainersDefaultApiVersion = new(1, 44);

    private static readonly Lazy<string?> _unavailableReason = new(Probe);

    /// <summary>How long the probe waits for the Docker daemon to answer: 10 s.</summary>
    public static TimeSpan ProbeTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// True when the <c>docker</c> command reaches a daemon within <see cref="ProbeTimeout"/>.
    /// Probed once per process, on first use.
    /// </summary>
    /// <remarks>
    /// The probe also sets <c>DOCKER_API_VERSION</c> for this process, when it is unset and the
    /// daemon speaks an older API than the 1.44 Testcontainers asks for by default (Debian 12's
    /// Docker 20.10 speaks 1.41 and refuses newer requests). <c>scripts/test.sh</c> exports it
    /// too; this covers a plain <c>dotnet test</c>, as long as the probe runs before the first
    /// container is built (a <see cref="DockerFactAttribute"/> runs it at discovery).
    /// </remarks>
    public static bool IsAvailable => UnavailableReason is null;

    /// <summary>Why Docker cannot be used here (what the probe saw), or null when it can.</summary>
    public static string? UnavailableReason => _unavailableReason.Value;

    /// <summary>
    /// True when <c>RESUMABLE_REQUIRE_DOCKER=1</c>: Docker tests must run, and fail when Docker
    /// cannot (scripts/test.sh sets it once Docker runs, so that CI never skips them silently).
    /// </summary>
    public static bool Required => Environment.GetEnvironmentVariable("RESUMABLE_REQUIRE_DOCKER") == "1";

    /// <summary>The Redis image: <c>REDIS_IMAGE</c>, default <c>redis:7-alpine</c>.</summary>
    public static string RedisImage => FromEnvironment("REDIS_IMAGE", "redis:7-alpine");

    /// <summary>The nginx image: <c>NGINX_IMAGE</c>, default <c>nginx:1.27-alpine</c>.</summary>
    public static string NginxImage => FromEnvironment("NGINX_IMAGE", "nginx:1.27-alpine");

    /// <summary>
    /// The ASP.NET Core runtime image the service image is built on: <c>DOTNET_RUNTIME_IMAGE</c>,
    /// default <c>mcr.microsoft.com/dotnet/aspnet:10.0</c>.
    /// </summary>
    public static string RuntimeImage => FromEnvironment("DOTNET_RUNTIME_IMAGE", "mcr.microsoft.com/dotnet/aspnet:10.0");

    /// <summary>
    /// Throws, with the reason, when Docker cannot be used. For fixtures to call first, so that a
    /// required Docker test fails saying why rather than with a client library's connection error.
    /// </summary>
    public static void ThrowIfUnavailable()
    {
        if (UnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"Docker cannot run here: {reason}");
        }
    }

    private static string FromEnvironment(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    // `docker version` exits 0 only when the daemon answered, as `docker info` does, and also says
    // which API version the daemon speaks.
    private static string? Probe()
    {
        var start = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("version");
        start.ArgumentList.Add("--format");
        start.ArgumentList.Add("{{.Server.APIVersion}}");

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return "the docker command is not installed (no 'docker' on PATH).";
        }

        if (process is null)
        {
            return "the docker command did not start.";
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return $"the Docker daemon did not answer 'docker version' within {ProbeTimeout.TotalSeconds:0} s.";
            }

            if (process.ExitCode != 0)
            {
                return $"'docker version' exited with {process.ExitCode}: {error.GetAwaiter().GetResult().Trim()}";
            }

            PinApiVersion(output.GetAwaiter().GetResult().Trim());
            return null;
        }
    }

    private static void PinApiVersion(string daemonApiVersion)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_API_VERSION")))
        {
            return;
        }

        if (Version.TryParse(daemonApiVersion, out var version) && version < _testcontainersDefaultApiVersion)
        {
            Environment.SetEnvironmentVariable("DOCKER_API_VERSION", daemonApiVersion);
        }
    }
}
