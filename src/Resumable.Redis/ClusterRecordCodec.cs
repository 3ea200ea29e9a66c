using System.Buffers;
using MessagePack;
using Resumable.Core.Cluster;
using Resumable.Core.Responses;

namespace Resumable.Redis;

/// <summary>
/// The values nodes exchange through Redis, in MessagePack (as ASP.NET Core's SignalR Redis backplane encodes its
/// messages). Each value is an array whose first element is its layout version; a reader takes the fields it knows
/// by position and skips any that a newer version appended, so that nodes of two versions can run side by side
/// during a rolling deploy. A layout that changes the meaning of a field gets a new version, which older readers
/// refuse (they treat the value as absent) instead of misreading.
/// </summary>
internal static class ClusterRecordCodec
{
    /// <summary>The layout of a response record: version, owner, tenant, status, last, durable, created, expires, model, background.</summary>
    public const int ResponseVersion = 1;

    /// <summary>The layout of a node record: version, id, internal url, started, heartbeat.</summary>
    public const int NodeVersion = 1;

    private const int ResponseFields = 10;
    private const int NodeFields = 5;

    public static byte[] EncodeResponse(ClusterResponse response)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(ResponseFields);
        writer.Write(ResponseVersion);
        writer.Write(response.Owner);
        writer.Write(response.Tenant);
        writer.Write(response.Status.ToWireName());
        writer.Write(response.LastSequenceNumber);
        writer.Write(response.DurableSequenceNumber);
        writer.Write(response.CreatedAt.ToUnixTimeMilliseconds());
        if (response.ExpiresAt is { } expiresAt)
        {
            writer.Write(expiresAt.ToUnixTimeMilliseconds());
        }
        else
        {
            writer.WriteNil();
        }

        writer.Write(response.Model);
        writer.Write(response.Background);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The response record in <paramref name="value"/>, or null when it is of a layout this version does not know or is damaged.</summary>
    public static ClusterResponse? DecodeResponse(string id, ReadOnlyMemory<byte> value)
    {
        try
        {
            var reader = new MessagePackReader(value);
            var count = reader.ReadArrayHeader();
            if (count < ResponseFields || reader.ReadInt32() != ResponseVersion)
            {
                return null;
            }

            var owner = reader.ReadString();
            var tenant = reader.ReadString();
            var statusName = reader.ReadString();
            var last = reader.ReadInt64();
            var durable = reader.ReadInt64();
            var created = reader.ReadInt64();
            long? expires = reader.TryReadNil() ? null : reader.ReadInt64();
            var model = reader.ReadString();
            var background = reader.ReadBoolean();
            if (owner is null || tenant is null || model is null || !ResponseStatusExtensions.TryParseWireName(statusName, out var status))
            {
                return null;
            }

            return new ClusterResponse(
                id, owner, tenant, status, last, durable, DateTimeOffset.FromUnixTimeMilliseconds(created),
                expires is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null, model, background);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentException)
        {
            // Damaged, truncated or out of range (a number past Int32, a time past DateTimeOffset): absent.
            return null;
        }
    }

    public static byte[] EncodeNode(ClusterMember node)
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(NodeFields);
        writer.Write(NodeVersion);
        writer.Write(node.Id);
        writer.Write(node.InternalUrl.OriginalString);
        writer.Write(node.StartedAt.ToUnixTimeMilliseconds());
        writer.Write(node.HeartbeatAt.ToUnixTimeMilliseconds());
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The node record in <paramref name="value"/>, or null when it is of a layout this version does not know or is damaged.</summary>
    public static ClusterMember? DecodeNode(ReadOnlyMemory<byte> value)
    {
        try
        {
            var reader = new MessagePackReader(value);
            var count = reader.ReadArrayHeader();
            if (count < NodeFields || reader.ReadInt32() != NodeVersion)
            {
                return null;
            }

            var id = reader.ReadString();
            var url = reader.ReadString();
            var started = reader.ReadInt64();
            var heartbeat = reader.ReadInt64();
            if (id is null || !Uri.TryCreate(url, UriKind.Absolute, out var internalUrl))
            {
                return null;
            }

            return new ClusterMember(id, internalUrl, DateTimeOffset.FromUnixTimeMilliseconds(started), DateTimeOffset.FromUnixTimeMilliseconds(heartbeat));
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or ArgumentException)
        {
            // Damaged, truncated or out of range (a number past Int32, a time past DateTimeOffset): absent.
            return null;
        }
    }
}
