using System.Buffers.Binary;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Resumable.Storage.Faster;

/// <summary>
/// FasterLog's commit records in one preallocated file, <c>commit-slots</c>: <see cref="SlotCount"/> slots of
/// <see cref="SlotBytes"/> bytes, commit N in slot N mod <see cref="SlotCount"/>, so that the newest few stay to fall
/// back on. A commit is one write in place, synchronous to the disk: no file is created, synced and later deleted per
/// commit, which cost several metadata writes and a directory change each (docs/benchmarks.md, "Commit records in
/// place"). Each slot carries its commit number and a checksum, so a write torn by a crash reads as no commit and
/// recovery takes the one before.
/// </summary>
internal sealed class CommitSlotFile : IDisposable
{
    /// <summary>The file's name in the commit directory.</summary>
    public const string FileName = "commit-slots";

    /// <summary>Slots in the file: the newest this many commits are kept.</summary>
    public const int SlotCount = 8;

    /// <summary>Bytes per slot: a whole file-system block, so that writing one slot never touches another.</summary>
    public const int SlotBytes = 4096;

    // A slot: checksum (XxHash64 of everything after it, up to the metadata's end), magic, layout version, commit
    // number, metadata length, 4 reserved bytes, then the metadata; zeros after it.
    private const int HeaderBytes = 32;
    private const uint Magic = 0x544D_4352; // "RCMT"
    private const int LayoutVersion = 1;

    /// <summary>The most metadata a slot holds (FasterLog's is under 100 bytes: addresses and a commit number).</summary>
    public const int MaxMetadataBytes = SlotBytes - HeaderBytes;

    private readonly SafeFileHandle _handle;
    private readonly byte[] _slot = new byte[SlotBytes];

    private CommitSlotFile(SafeFileHandle handle) => _handle = handle;

    /// <summary>The file's path in <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>
    /// Opens the file to write commits, first creating it, or completing one cut short, as zeros made durable. Each
    /// write is synchronous to the disk (<see cref="FileOptions.WriteThrough"/>): the slot's bytes are all that change,
    /// as the file's size and blocks are already on disk.
    /// </summary>
    public static CommitSlotFile Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = PathIn(directory);
        using (var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 1))
        {
            const long Size = (long)SlotCount * SlotBytes;
            if (file.Length < Size)
            {
                // Only what is missing is written, so no slot written before is overwritten.
                var missing = Size - file.Length;
                file.Position = file.Length;
                file.Write(new byte[missing]);
                file.Flush(flushToDisk: true);
            }
        }

        return new CommitSlotFile(File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, FileOptions.WriteThrough));
    }

    /// <summary>Writes commit <paramref name="number"/> into its slot; durable when this returns.</summary>
    public void Write(long number, ReadOnlySpan<byte> metadata)
    {
        if (metadata.Length > MaxMetadataBytes)
        {
            throw new IOException($"Commit record {number} has {metadata.Length} bytes of metadata; a slot holds {MaxMetadataBytes}.");
        }

        var slot = _slot.AsSpan();
        slot.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], Magic);
        BinaryPrimitives.WriteInt32LittleEndian(slot[12..], LayoutVersion);
        BinaryPrimitives.WriteInt64LittleEndian(slot[16..], number);
        BinaryPrimitives.WriteInt32LittleEndian(slot[24..], metadata.Length);
        metadata.CopyTo(slot[HeaderBytes..]);
        BinaryPrimitives.WriteUInt64LittleEndian(slot, XxHash64.HashToUInt64(slot[8..(HeaderBytes + metadata.Length)]));
        RandomAccess.Write(_handle, _slot, OffsetOf(number));
    }

    /// <summary>Every readable commit in the file, newest first; torn and empty slots are left out.</summary>
    public static List<(long Number, byte[] Metadata)> ReadAll(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            return [];
        }

        var bytes = File.ReadAllBytes(path);
        var commits = new List<(long Number, byte[] Metadata)>(SlotCount);
        for (var index = 0; index < SlotCount && (index + 1) * SlotBytes <= bytes.Length; index++)
        {
            if (TryRead(bytes.AsSpan(index * SlotBytes, SlotBytes), index, out var number, out var metadata))
            {
                commits.Add((number, metadata));
            }
        }

        commits.Sort((a, b) => b.Number.CompareTo(a.Number));
        return commits;
    }

    /// <summary>Clears the slot of commit <paramref name="number"/> (durably), if it still holds that commit.</summary>
    public static bool Clear(string directory, long number)
    {
        if (!ReadAll(directory).Exists(commit => commit.Number == number))
        {
            return false;
        }

        using var handle = File.OpenHandle(PathIn(directory), FileMode.Open, FileAccess.Write, FileShare.ReadWrite, FileOptions.WriteThrough);
        RandomAccess.Write(handle, new byte[SlotBytes], OffsetOf(number));
        return true;
    }

    public void Dispose() => _handle.Dispose();

    private static long OffsetOf(long number) => number % SlotCount * SlotBytes;

    private static bool TryRead(ReadOnlySpan<byte> slot, int index, out long number, out byte[] metadata)
    {
        number = BinaryPrimitives.ReadInt64LittleEndian(slot[16..]);
        var length = BinaryPrimitives.ReadInt32LittleEndian(slot[24..]);
        metadata = [];
        if (BinaryPrimitives.ReadUInt32LittleEndian(slot[8..]) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(slot[12..]) != LayoutVersion
            || number < 0 || number % SlotCount != index
            || length < 0 || length > MaxMetadataBytes
            || BinaryPrimitives.ReadUInt64LittleEndian(slot) != XxHash64.HashToUInt64(slot[8..(HeaderBytes + length)]))
        {
            return false;
        }

        metadata = slot.Slice(HeaderBytes, length).ToArray();
        return true;
    }
}
