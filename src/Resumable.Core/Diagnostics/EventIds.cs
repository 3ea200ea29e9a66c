namespace Resumable.Core.Diagnostics;

/// <summary>
/// Log event ids, allocated in ranges per area so that a number identifies its component:
/// 1xxx hosting and security, 2xxx admission and jobs, 3xxx streaming, 4xxx retention, 5xxx write-ahead log and recovery.
/// </summary>
internal static class EventIds
{
    public const int OpenAccessWarning = 1000;
    public const int ServerListening = 1001;

    public const int ResponseAdmitted = 2000;
    public const int QueueFull = 2001;
    public const int JobFailed = 2002;
    public const int JobInterruptedByShutdown = 2003;
    public const int ResponseCancelled = 2004;

    public const int StreamResumed = 3000;
    public const int StreamAborted = 3001;

    public const int ResponsesExpired = 4000;
    public const int ResponsesCooled = 4001;
    public const int CoolingFailed = 4002;

    public const int Recovered = 5000;
    public const int WalCommitFailed = 5001;
    public const int WalOpened = 5002;
    public const int WalWriteFailed = 5003;
    public const int WalRecordDropped = 5004;
    public const int WalCommitSetAside = 5005;
    public const int WalRecordTooLarge = 5006;
    public const int WalReopened = 5007;
    public const int WalReopenFailed = 5008;
    public const int WalNotDurableAtShutdown = 5009;
}
