using System.Security.Cryptography;

namespace Resumable.Server.Cluster;

/// <summary>
/// The node's default id, generated once and kept in a file of its data directory: a restarted node (same data)
/// is the same node, so it owns its recovered responses again.
/// </summary>
internal static class NodeIdFile
{
    public const string FileName = "node-id";

    public static string NewId() => "node-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string ReadOrCreate(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(directory);
        var id = NewId();

        // Written aside and moved into place, so a crash never leaves a half-written id behind.
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, id);
        File.Move(temporary, path, overwrite: true);
        return id;
    }
}
