using System.ComponentModel.DataAnnotations;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>The write-ahead log. Section <c>Resumable:Wal</c>.</summary>
public sealed class WalOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Resumable:Wal";

    /// <summary><c>Async</c> (default): stream at once, persisted within the commit interval. <c>Sync</c>: an event
    /// reaches readers only after its commit. <c>None</c>: memory only.</summary>
    public DurabilityMode Durability { get; set; } = DurabilityMode.Async;

    /// <summary>The log's directory; relative paths are under the working directory. Default <c>data/wal</c>.</summary>
    [Required]
    public string Directory { get; set; } = Path.Combine("data", "wal");

    /// <summary>How often pending records are committed (group commit). Default 5 ms; 1 ms to 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Commit before the interval ends once this many bytes are pending. Default 4 MiB; 4 KiB to 1 GiB.</summary>
    [Range(4 * 1024, 1024 * 1024 * 1024)]
    public int CommitThresholdBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Size of one log file; reclaiming space frees whole files. Default 64 MiB; a power of two from 1 MiB to 1 GiB.</summary>
    [Range(1L << 20, 1L << 30)]
    public long SegmentSizeBytes { get; set; } = 64L << 20;

    /// <summary>In-memory log buffer. Default 32 MiB; a power of two from 1 MiB to 16 GiB, at least twice the page size.</summary>
    [Range(1L << 20, 16L << 30)]
    public long MemorySizeBytes { get; set; } = 32L << 20;

    /// <summary>
    /// After a storage error stopped the log, how often it tries to reopen (recover the last good commit and
    /// prove a write): once that succeeds new responses are admitted again. Default 1 second; 10 ms to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ReopenInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Log page size; a record (a frame plus 48 bytes) must fit in a page. Default 4 MiB; a power of two from 64 KiB to 256 MiB.</summary>
    [Range(64L << 10, 256L << 20)]
    public long PageSizeBytes { get; set; } = 4L << 20;

    /// <summary>
    /// The most bytes that may wait for the disk (queued for the log, or in its memory but not yet committed)
    /// before new responses are refused with 503 <c>storage_unavailable</c> and <c>/readyz</c> turns 503: a disk
    /// that stalls without failing then bounds memory instead of growing it. Responses already running keep
    /// streaming. Default 256 MiB; 1 MiB to 64 GiB.
    /// </summary>
    [Range(1L << 20, 64L << 30)]
    public long MaxPendingBytes { get; set; } = 256L << 20;

    /// <summary>
    /// How long stopping waits for what is queued to become durable. Past it the node stops anyway and logs how
    /// many records and bytes were not committed (they may be lost, as in a crash). Default 10 seconds; 100 ms to 10 minutes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
