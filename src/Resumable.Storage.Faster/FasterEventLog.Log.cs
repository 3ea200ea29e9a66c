using Microsoft.Extensions.Logging;
using Resumable.Core.Diagnostics;
using Resumable.Core.Persistence;

namespace Resumable.Storage.Faster;

internal sealed partial class FasterEventLog
{
    [LoggerMessage(EventIds.WalOpened, LogLevel.Information, "Write-ahead log open in {Directory}: begin {BeginAddress}, committed until {CommittedUntilAddress}.")]
    private partial void LogOpened(string directory, long beginAddress, long committedUntilAddress);

    [LoggerMessage(EventIds.WalCommitFailed, LogLevel.Error, "A write-ahead log commit failed; nothing after the last good commit is reported durable.")]
    private partial void LogCommitFailed(Exception exception);

    [LoggerMessage(EventIds.WalWriteFailed, LogLevel.Error, "Writing to the write-ahead log failed; nothing after the last good commit is reported durable.")]
    private partial void LogWriteFailed(Exception exception);

    [LoggerMessage(EventIds.WalCommitSetAside, LogLevel.Warning, "Write-ahead log commit file {Name} ({Length} bytes) recovers nothing; set aside as .torn to recover the previous commit.")]
    private partial void LogCommitSetAside(string name, long length);

    [LoggerMessage(EventIds.WalRecordDropped, LogLevel.Warning, "A {Kind} record of {ResponseId} arrived after the write-ahead log stopped and was not persisted.")]
    private partial void LogDroppedAfterStop(WalRecordKind kind, string responseId);

    [LoggerMessage(EventIds.WalRecordTooLarge, LogLevel.Error, "A {Kind} record of {ResponseId} ({Length} bytes) is larger than a write-ahead log page allows ({Limit} bytes); the response is no longer persisted. Raise Resumable:Wal:PageSizeBytes.")]
    private partial void LogRecordTooLarge(WalRecordKind kind, string responseId, int length, int limit);

    [LoggerMessage(EventIds.WalReopened, LogLevel.Warning, "Write-ahead log in {Directory} reopened after \"{Fault}\": recovered until {CommittedUntilAddress}; new responses are admitted again ({Unpersisted} responses that lost records finish from memory only).")]
    private partial void LogReopened(string directory, string fault, long committedUntilAddress, int unpersisted);

    [LoggerMessage(EventIds.WalReopenFailed, LogLevel.Debug, "The failed write-ahead log could not be reopened yet: {Reason}")]
    private partial void LogReopenFailed(string reason);

    [LoggerMessage(EventIds.WalNotDurableAtShutdown, LogLevel.Warning, "The write-ahead log stopped after waiting {Seconds} s for a disk that does not keep up: {Records} records ({Bytes} bytes) were not committed and may be lost; their durable cursors never passed them.")]
    private partial void LogNotDurableAtShutdown(double seconds, long records, long bytes);
}
