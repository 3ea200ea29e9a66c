using System.Buffers;
using MessagePack;
using Resumable.Core.Cluster;
using Resumable.Core.Responses;
using Resumable.Redis;

namespace Resumable.Server.Tests.Cluster;

/// <summary>The values nodes exchange through Redis, as two versions of the service running side by side read them.</summary>
public class ClusterRecordCodecTests
{
    private static readonly ClusterResponse Response = new(
        "resp_0123", "node-a", "tenant-a", ResponseStatus.Completed, 41, 40,
        DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_000_123), DateTimeOffset.FromUnixTimeMilliseconds(1_796_000_600_123), "synthetic", Background: true);

    [Fact]
    public void ResponseRecord_RoundTrips()
    {
        Assert.Equal(Response, ClusterRecordCodec.DecodeResponse("resp_0123", ClusterRecordCodec.EncodeResponse(Response)));
        var running = Response with { Status = ResponseStatus.InProgress, ExpiresAt = null };
        Assert.Equal(running, ClusterRecordCodec.DecodeResponse("resp_0123", ClusterRecordCodec.EncodeResponse(running)));
    }

    [Fact]
    public void NodeRecord_RoundTrips()
    {
        var node = new ClusterMember("node-a", new Uri("http://node-a:8080"), DateTimeOffset.FromUnixTimeMilliseconds(1), DateTimeOffset.FromUnixTimeMilliseconds(2));
        Assert.Equal(node, ClusterRecordCodec.DecodeNode(ClusterRecordCodec.EncodeNode(node)));
    }

    [Fact]
    public void ResponseRecord_OfANewerVersionOfTheSameLayout_WithFieldsAppended_IsReadByTheFieldsItKnows()
    {
        var newer = Rewrite(ClusterRecordCodec.EncodeResponse(Response), version: ClusterRecordCodec.ResponseVersion, appended: 3);
        Assert.Equal(Response, ClusterRecordCodec.DecodeResponse("resp_0123", newer));
    }

    [Fact]
    public void ResponseRecord_OfAnUnknownLayoutVersion_IsTreatedAsAbsent_NotMisread()
    {
        Assert.Null(ClusterRecordCodec.DecodeResponse("resp_0123", Rewrite(ClusterRecordCodec.EncodeResponse(Response), version: ClusterRecordCodec.ResponseVersion + 1, appended: 0)));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0x93, 0x01 })]
    [InlineData(new byte[] { 0xc1 })]
    [InlineData(new byte[] { 0x9a, 0x01, 0xa1, 0x61, 0xa1, 0x62, 0xa9, 0x77, 0x68, 0x61, 0x74, 0x65, 0x76, 0x65, 0x72, 0x21 })]
    public void DamagedRecord_IsTreatedAsAbsent(byte[] value)
    {
        Assert.Null(ClusterRecordCodec.DecodeResponse("resp_0123", value));
        Assert.Null(ClusterRecordCodec.DecodeNode(value));
    }

    // The same fields under another version number, with extra fields after them, as a later release might write.
    private static byte[] Rewrite(byte[] encoded, int version, int appended)
    {
        var reader = new MessagePackReader(encoded);
        var count = reader.ReadArrayHeader();
        reader.ReadInt32();
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count + appended);
        writer.Write(version);
        for (var i = 1; i < count; i++)
        {
            writer.WriteRaw(reader.ReadRaw());
        }

        for (var i = 0; i < appended; i++)
        {
            writer.Write($"a later field {i}");
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
