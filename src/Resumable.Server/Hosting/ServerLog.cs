using Resumable.Core.Diagnostics;

namespace Resumable.Server.Hosting;

/// <summary>Log messages of the host.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventIds.OpenAccessWarning, LogLevel.Warning,
        "NO API KEYS ARE CONFIGURED: the service is OPEN. Anyone who can reach it can create, read and delete responses, and use the admin endpoints. Set Resumable:Auth:Keys and Resumable:Auth:AdminKey before exposing it.")]
    public static partial void OpenAccess(ILogger logger);
}
