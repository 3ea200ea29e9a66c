namespace Resumable.Core.Diagnostics;

/// <summary>
/// Log event ids, allocated in ranges per area so that a number identifies its component:
/// 1xxx hosting and security, 2xxx admission and jobs, 3xxx streaming, 4xxx retention, 5xxx write-ahead log and recovery.
/// </summary>
public static class EventIds
{
    /// <summary>No API key is configured: the service is open.</summary>
    public const int OpenAccessWarning = 1000;
    /// <summary>The server listens on its addresses.</summary>
    public const int ServerListening = 1001;

    /// <summary>A response was admitted.</summary>
    public const int ResponseAdmitted = 2000;
    /// <summary>A response was refused: the job queue is full.</summary>
    public const int QueueFull = 2001;
    /// <summary>A generator threw unexpectedly; its response failed.</summary>
    public const int JobFailed = 2002;
    /// <summary>Shutdown interrupted a running response.</summary>
    public const int JobInterruptedByShutdown = 2003;
    /// <summary>A response was cancelled.</summary>
    public const int ResponseCancelled = 2004;

    /// <summary>A reader resumed a stream after a cursor.</summary>
    public const int StreamResumed = 3000;
    /// <summary>A reader went away before the end of its stream.</summary>
    public const int StreamAborted = 3001;

    /// <summary>Expired responses were released.</summary>
    public const int ResponsesExpired = 4000;
    /// <summary>Finished responses moved from memory to the write-ahead log.</summary>
    public const int ResponsesCooled = 4001;
    /// <summary>A finished response could not be moved to the write-ahead log; it stays in memory.</summary>
    public const int CoolingFailed = 4002;

    /// <summary>Start-up recovered the retained responses from the write-ahead log.</summary>
    public const int Recovered = 5000;
    /// <summary>A write-ahead log commit failed.</summary>
    public const int WalCommitFailed = 5001;
    /// <summary>The write-ahead log was opened.</summary>
    public const int WalOpened = 5002;
    /// <summary>A write into the write-ahead log failed.</summary>
    public const int WalWriteFailed = 5003;
    /// <summary>A record was dropped because the write-ahead log had stopped.</summary>
    public const int WalRecordDropped = 5004;
    /// <summary>A torn commit file was set aside at recovery.</summary>
    public const int WalCommitSetAside = 5005;
    /// <summary>A record too large for a log page; its response is persisted no further.</summary>
    public const int WalRecordTooLarge = 5006;
    /// <summary>The write-ahead log reopened after a storage fault.</summary>
    public const int WalReopened = 5007;
    /// <summary>Reopening the write-ahead log failed; it is tried again.</summary>
    public const int WalReopenFailed = 5008;
    /// <summary>Stopping gave up waiting for the disk: records were not committed.</summary>
    public const int WalNotDurableAtShutdown = 5009;

    /// <summary>The connection to Redis failed or was lost; the node keeps serving its own responses.</summary>
    public const int RedisConnectionFailed = 6000;

    /// <summary>The connection to Redis is back; the node republishes its cursors.</summary>
    public const int RedisConnectionRestored = 6001;

    /// <summary>Publishing cursors to Redis failed; they are published again once Redis answers.</summary>
    public const int RedisPublishFailed = 6002;

    /// <summary>The node republished every cursor it holds (after start or a reconnect).</summary>
    public const int RedisRepublished = 6003;

    /// <summary>A request for another node's response was relayed to that node, or could not be.</summary>
    public const int RelayFailed = 6004;
}
