using System.Buffers.Binary;
using System.Numerics;
using Resumable.Core.Responses;

namespace Resumable.Core.Persistence;

/// <summary>
/// Encodes and decodes write-ahead log records: a 48-byte little-endian header (magic, version, kind, flags,
/// response id, sequence number, timestamp, payload length, CRC-32C) followed by the payload. The checksum
/// covers the header before it and the whole payload, so damage anywhere in a record is detected.
/// The layout is drawn in docs/wal-format.md; change both together.
/// </summary>
public static class WalRecordCodec
{
    /// <summary>The header size in bytes.</summary>
    public const int HeaderSize = 48;

    /// <summary>"RWAL" read as a little-endian 32-bit integer.</summary>
    public const uint Magic = 0x4C415752;

    /// <summary>The format version written by this build.</summary>
    public const byte Version = 1;

    private const int ResponseIdBytes = 16;

    /// <summary>The encoded size of a record with a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int EncodedLength(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes header and payload into <paramref name="destination"/>, which holds at least <see cref="EncodedLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, in WalRecordHeader header, ReadOnlySpan<byte> payload)
    {
        payload.CopyTo(destination[HeaderSize..]);
        WriteAroundPayload(destination, header, payload.Length);
    }

    /// <summary>
    /// Writes the header of a record whose <paramref name="payloadLength"/>-byte payload is already in place after
    /// it (encoded straight into <paramref name="destination"/>), and seals the record with its checksum.
    /// </summary>
    public static void WriteAroundPayload(Span<byte> destination, in WalRecordHeader header, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = (byte)header.Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)header.Flags);
        if (Convert.FromHexString(header.ResponseId.AsSpan(ResponseId.Prefix.Length), destination.Slice(8, ResponseIdBytes), out _, out var written) != System.Buffers.OperationStatus.Done || written != ResponseIdBytes)
        {
            throw new ArgumentException($"'{header.ResponseId}' is not a response id.", nameof(header));
        }

        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], header.SequenceNumber);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], header.TimestampMs);
        BinaryPrimitives.WriteInt32LittleEndian(destination[40..], payloadLength);
        var crc = Crc32C(Crc32C(0, destination[..44]), destination.Slice(HeaderSize, payloadLength));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[44..], crc);
    }

    /// <summary>
    /// Decodes one record. Returns false, with a reason, when the bytes are not a whole, undamaged record of a
    /// known version: wrong magic, unknown version or kind, a length that does not match, or a checksum mismatch.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> record, out WalRecordHeader header, out ReadOnlySpan<byte> payload, out string? problem)
    {
        header = default;
        payload = default;
        if (record.Length < HeaderSize)
        {
            problem = $"record of {record.Length} bytes is shorter than the {HeaderSize}-byte header";
            return false;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Magic)
        {
            problem = "bad magic";
            return false;
        }

        if (record[4] != Version)
        {
            problem = $"unknown format version {record[4]}";
            return false;
        }

        var kind = (WalRecordKind)record[5];
        if (!Enum.IsDefined(kind))
        {
            problem = $"unknown record kind {record[5]}";
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(record[40..]);
        if (length < 0 || HeaderSize + length != record.Length)
        {
            problem = $"payload length {length} does not match the record's {record.Length} bytes";
            return false;
        }

        payload = record[HeaderSize..];
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(record[44..]);
        if (Crc32C(Crc32C(0, record[..44]), payload) != expected)
        {
            problem = "checksum mismatch";
            return false;
        }

        header = new WalRecordHeader(
            kind,
            (WalRecordFlags)BinaryPrimitives.ReadUInt16LittleEndian(record[6..]),
            string.Concat(ResponseId.Prefix, Convert.ToHexStringLower(record.Slice(8, ResponseIdBytes))),
            BinaryPrimitives.ReadInt64LittleEndian(record[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(record[32..]));
        problem = null;
        return true;
    }

    // CRC-32C (Castagnoli) with the hardware instruction where the CPU has it (BitOperations picks it).
    private static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        crc = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
