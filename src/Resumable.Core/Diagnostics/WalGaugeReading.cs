namespace Resumable.Core.Diagnostics;

/// <summary>The write-ahead log's figures the gauges of <see cref="ResumableMetrics"/> report, read when a collector asks.</summary>
/// <param name="PendingRecords">Records not yet durable.</param>
/// <param name="PendingBytes">Bytes waiting for the disk.</param>
/// <param name="DiskBytes">Bytes of the log's files.</param>
public readonly record struct WalGaugeReading(long PendingRecords, long PendingBytes, long DiskBytes);
