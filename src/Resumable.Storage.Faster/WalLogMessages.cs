using Microsoft.Extensions.Logging;
using Resumable.Core.Diagnostics;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

/// <summary>
/// What the write-ahead log logs, in one place for all of its parts (which log under the category of
/// <see cref="FasterEventLog"/>); event ids from the WAL range of <see cref="EventIds"/>.
/// </summary>
internal static partial class WalLogMessages
{
    /// <summary>The log is open (at start-up or after reopening), with its address range.</summary>
    [LoggerMessage(EventIds.WalOpened, LogLevel.Information, "Write-ahead log open in {Directory}: begin {BeginAddress}, committed until {CommittedUntilAddress}.")]
    public static partial void WalOpened(this ILogger logger, string directory, long beginAddress, long committedUntilAddress);

    /// <summary>A commit failed; the log is faulted from here on.</summary>
    [LoggerMessage(EventIds.WalCommitFailed, LogLevel.Error, "A write-ahead log commit failed; nothing after the last good commit is reported durable.")]
    public static partial void WalCommitFailed(this ILogger logger, Exception exception);

    /// <summary>Writing into the log failed; the log is faulted from here on.</summary>
    [LoggerMessage(EventIds.WalWriteFailed, LogLevel.Error, "Writing to the write-ahead log failed; nothing after the last good commit is reported durable.")]
    public static partial void WalWriteFailed(this ILogger logger, Exception exception);

    /// <summary>A commit record that recovers nothing, or that an earlier instance left, was set aside so that recovery no longer sees it.</summary>
    [LoggerMessage(EventIds.WalCommitSetAside, LogLevel.Warning, "Write-ahead log commit {CommitNumber} recovers nothing or was left by an earlier instance; set aside.")]
    public static partial void WalCommitSetAside(this ILogger logger, long commitNumber);

    /// <summary>A record was queued after the log stopped; it is not persisted.</summary>
    [LoggerMessage(EventIds.WalRecordDropped, LogLevel.Warning, "A {Kind} record of {ResponseId} arrived after the write-ahead log stopped and was not persisted.")]
    public static partial void WalRecordDropped(this ILogger logger, WalRecordKind kind, string responseId);

    /// <summary>A record does not fit in a log page; its response is persisted no further.</summary>
    [LoggerMessage(EventIds.WalRecordTooLarge, LogLevel.Error, "A {Kind} record of {ResponseId} ({Length} bytes) is larger than a write-ahead log page allows ({Limit} bytes); the response is no longer persisted. Raise Resumable:Wal:PageSizeBytes.")]
    public static partial void WalRecordTooLarge(this ILogger logger, WalRecordKind kind, string responseId, int length, int limit);

    /// <summary>The log reopened after a storage fault.</summary>
    [LoggerMessage(EventIds.WalReopened, LogLevel.Warning, "Write-ahead log in {Directory} reopened after \"{Fault}\": recovered until {CommittedUntilAddress}; new responses are admitted again ({Unpersisted} responses that lost records finish from memory only).")]
    public static partial void WalReopened(this ILogger logger, string directory, string fault, long committedUntilAddress, int unpersisted);

    /// <summary>An attempt to reopen the failed log did not succeed; the next one comes after the reopen interval.</summary>
    [LoggerMessage(EventIds.WalReopenFailed, LogLevel.Debug, "The failed write-ahead log could not be reopened yet: {Reason}")]
    public static partial void WalReopenFailed(this ILogger logger, string reason);

    /// <summary>Stopping gave up waiting for a disk that does not keep up.</summary>
    [LoggerMessage(EventIds.WalNotDurableAtShutdown, LogLevel.Warning, "The write-ahead log stopped after waiting {Seconds} s for a disk that does not keep up: {Records} records ({Bytes} bytes) were not committed and may be lost; their durable cursors never passed them.")]
    public static partial void WalNotDurableAtShutdown(this ILogger logger, double seconds, long records, long bytes);
}
