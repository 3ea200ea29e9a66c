using System.CommandLine;

namespace Resumable.Cli.Connection;

/// <summary>The options every command takes: where the server is and which keys to present.</summary>
internal static class GlobalOptions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static readonly Option<string> Url = new("--url")
    {
        Description = $"Base URL of the server (env RESUMABLE_URL, default {DefaultUrl}).",
        Recursive = true,
    };

    // Keys get no default value factory: System.CommandLine would print the default, and so the key, in the help.
    public static readonly Option<string> ApiKey = new("--api-key")
    {
        Description = "API key sent as 'Authorization: Bearer' (env RESUMABLE_API_KEY).",
        Recursive = true,
    };

    public static readonly Option<string> AdminKey = new("--admin-key")
    {
        Description = "Admin key for ls, inspect and stats (env RESUMABLE_ADMIN_KEY; falls back to the API key).",
        Recursive = true,
    };

    public static void AddTo(Command root)
    {
        root.Options.Add(Url);
        root.Options.Add(ApiKey);
        root.Options.Add(AdminKey);
    }
}
