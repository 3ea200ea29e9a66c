using System.Globalization;

namespace Resumable.LoadTest;

/// <summary>Calls per Redis command, as <c>INFO commandstats</c> names them (lower case; subcommands as <c>client|setname</c>).</summary>
internal sealed record CommandStats(IReadOnlyDictionary<string, long> Calls)
{
    /// <summary>The commands that change keys, among those the service sends: the response records, the tenant and owner indexes, the heartbeat.</summary>
    public static readonly IReadOnlyList<string> WriteCommands = ["set", "setex", "psetex", "setnx", "zadd", "sadd", "hset", "del", "unlink", "srem", "hdel", "zrem"];

    public static CommandStats Empty { get; } = new(new Dictionary<string, long>());

    /// <summary>Every call.</summary>
    public long Total => Calls.Values.Sum();

    /// <summary>The calls of <see cref="WriteCommands"/>.</summary>
    public long Writes => WriteCommands.Sum(Of);

    public long Of(string command) => Calls.GetValueOrDefault(command);

    /// <summary>Parses lines such as <c>cmdstat_set:calls=12,usec=140,…</c>.</summary>
    public static CommandStats Parse(string info)
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            const string Prefix = "cmdstat_";
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (!line.StartsWith(Prefix, StringComparison.Ordinal) || colon < 0)
            {
                continue;
            }

            var fields = line[(colon + 1)..].Split(',');
            var count = fields.FirstOrDefault(f => f.StartsWith("calls=", StringComparison.Ordinal));
            if (count is not null)
            {
                calls[line[Prefix.Length..colon]] = long.Parse(count.AsSpan("calls=".Length), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        return new CommandStats(calls);
    }

    /// <summary>The calls made after <paramref name="earlier"/> was read, without the <c>INFO</c> that read it.</summary>
    public CommandStats Since(CommandStats earlier)
    {
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (command, count) in Calls)
        {
            var made = count - earlier.Of(command) - (command == "info" ? 1 : 0);
            if (made > 0)
            {
                calls[command] = made;
            }
        }

        return new CommandStats(calls);
    }

    /// <summary>Both counts added up, command by command.</summary>
    public CommandStats Plus(CommandStats other)
    {
        var calls = new Dictionary<string, long>(Calls, StringComparer.Ordinal);
        foreach (var (command, count) in other.Calls)
        {
            calls[command] = calls.GetValueOrDefault(command) + count;
        }

        return new CommandStats(calls);
    }
}
