namespace Resumable.Core.Persistence;

/// <summary>A snapshot of the write-ahead log's state, for operators. Addresses are FasterLog logical addresses (bytes).</summary>
/// <param name="Directory">Where the log lives.</param>
/// <param name="BeginAddress">The first address still in the log (earlier space is reclaimed).</param>
/// <param name="TailAddress">The end of everything enqueued.</param>
/// <param name="CommittedUntilAddress">The end of everything durable.</param>
/// <param name="SizeOnDiskBytes">The bytes of the log's files.</param>
/// <param name="Commits">Commits since start.</param>
/// <param name="RecordsCommitted">Records made durable since start.</param>
/// <param name="RecordsPerCommit">Average records per commit since start.</param>
/// <param name="LastCommitMilliseconds">Latency of the most recent commit.</param>
/// <param name="MaxCommitMilliseconds">The highest commit latency since start.</param>
/// <param name="PendingRecords">Records in the log's memory but not yet durable.</param>
/// <param name="PendingBytes">Bytes waiting for the disk: queued for the log or in its memory, not yet committed.</param>
/// <param name="MaxPendingBytes">Past this many pending bytes new responses are refused.</param>
/// <param name="Fault">The storage error that stopped the log, or null while it is healthy.</param>
/// <param name="Reopens">How often the log was reopened after a storage error since start.</param>
/// <param name="UnpersistedResponses">Responses that lost a record to a storage error (or had one too large) and finish from memory only.</param>
public sealed record WalStatistics(
    string Directory,
    long BeginAddress,
    long TailAddress,
    long CommittedUntilAddress,
    long SizeOnDiskBytes,
    long Commits,
    long RecordsCommitted,
    double RecordsPerCommit,
    double LastCommitMilliseconds,
    double MaxCommitMilliseconds,
    long PendingRecords,
    long PendingBytes,
    long MaxPendingBytes,
    string? Fault,
    long Reopens,
    int UnpersistedResponses);
