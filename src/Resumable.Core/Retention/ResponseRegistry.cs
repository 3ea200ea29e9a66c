using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Resumable.Core.Changes;
using Resumable.Core.Entries;
using Resumable.Core.Responses;

namespace Resumable.Core.Retention;

/// <summary>
/// The retained responses of this node, by id. A response is visible until its retention has run out
/// after its terminal event; from then on every lookup treats it as gone, even before the sweeper frees it.
/// Additions and removals are reported to <paramref name="changes"/>.
/// </summary>
public sealed class ResponseRegistry(IOptions<RetentionOptions> options, TimeProvider timeProvider, ResponseChangeFeed changes)
{
    private readonly ConcurrentDictionary<string, ResponseEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _retention = options.Value.Retention;

    /// <summary>The number of entries held in memory, expired or not.</summary>
    public int Count => _entries.Count;

    /// <summary>Adds a newly admitted response.</summary>
    public void Add(ResponseEntry entry)
    {
        if (!_entries.TryAdd(entry.Id, entry))
        {
            throw new InvalidOperationException($"Response id {entry.Id} is already registered.");
        }

        changes.Changed(entry.Id);
    }

    /// <summary>Finds a visible response of <paramref name="tenant"/>; another tenant's response is reported as missing.</summary>
    public bool TryGet(string id, string tenant, out ResponseEntry entry)
    {
        if (TryGetAnyTenant(id, out entry) && string.Equals(entry.Tenant, tenant, StringComparison.Ordinal))
        {
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Finds a visible response of any tenant (operators).</summary>
    public bool TryGetAnyTenant(string id, out ResponseEntry entry)
    {
        if (_entries.TryGetValue(id, out entry!) && !IsExpired(entry, timeProvider.GetUtcNow()))
        {
            return true;
        }

        entry = null!;
        return false;
    }

    /// <summary>Removes a response at once (delete). Its readers are ended by its terminal event, not by this.</summary>
    public bool Remove(string id)
    {
        if (!_entries.TryRemove(id, out _))
        {
            return false;
        }

        changes.Changed(id);
        return true;
    }

    /// <summary>A snapshot of the visible responses, optionally of one tenant and one status, newest first.</summary>
    public List<ResponseEntry> Snapshot(string? tenant, ResponseStatus? status = null)
    {
        var now = timeProvider.GetUtcNow();
        var list = new List<ResponseEntry>();
        foreach (var entry in _entries.Values)
        {
            if ((tenant is null || string.Equals(entry.Tenant, tenant, StringComparison.Ordinal))
                && (status is null || StatusOf(entry) == status)
                && !IsExpired(entry, now))
            {
                list.Add(entry);
            }
        }

        list.Sort(static (a, b) =>
        {
            var byTime = b.CreatedAt.CompareTo(a.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(b.Id, a.Id);
        });
        return list;
    }

    /// <summary>Removes every expired response; returns their ids.</summary>
    public List<string> RemoveExpired()
    {
        var now = timeProvider.GetUtcNow();
        var removed = new List<string>();
        foreach (var (id, entry) in _entries)
        {
            if (IsExpired(entry, now) && _entries.TryRemove(new KeyValuePair<string, ResponseEntry>(id, entry)))
            {
                removed.Add(id);
                changes.Changed(id);
            }
        }

        return removed;
    }

    /// <summary>When the response expires, or null while it is not terminal.</summary>
    public DateTimeOffset? ExpiresAt(ResponseEntry entry)
    {
        lock (entry.Gate)
        {
            return entry.Visible.CompletedAt + _retention;
        }
    }

    private static ResponseStatus StatusOf(ResponseEntry entry)
    {
        lock (entry.Gate)
        {
            return entry.Visible.Status;
        }
    }

    private bool IsExpired(ResponseEntry entry, DateTimeOffset now) => ExpiresAt(entry) is { } expiresAt && expiresAt <= now;
}
