using System.Text;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;
using Resumable.Core.Streaming;

namespace Resumable.Core.Entries;

/// <summary>
/// The live state of one retained response: its request, its status and output so far, and its event log.
/// Every mutable field is read and written under <see cref="Gate"/>, which is never held across an await;
/// the sequencer appends events under the same lock, so state and events never disagree.
/// </summary>
public sealed class ResponseEntry
{
    /// <summary>
    /// A new entry. With <paramref name="publishesOnCommit"/> (sync durability) its events reach readers, and
    /// its state reaches callers, only as the event log commits them (<see cref="Publication"/>).
    /// </summary>
    public ResponseEntry(string id, string tenant, ResponseRequest request, DateTimeOffset createdAt, string? itemId = null, bool publishesOnCommit = false)
    {
        Id = id;
        Tenant = tenant;
        Request = request;
        CreatedAt = createdAt;
        ItemId = itemId ?? ResponseId.NewWithPrefix("msg_");
        Publication = publishesOnCommit ? new CommitPublication(this) : null;
    }

    /// <summary>Sync durability: where committed events are released to, and the state as of the last of them; else null.</summary>
    public CommitPublication? Publication { get; }

    /// <summary>The state as sequenced, from the live fields below. The caller holds <see cref="Gate"/>.</summary>
    public ResponseState Current => new(Status, CompletedAt, Error, IncompleteReason, OutputText.Length, OutputStarted, OutputFinished, InputTokens, OutputTokens);

    /// <summary>
    /// The state callers are shown: as sequenced, or in sync durability as of the last committed event. The caller
    /// holds <see cref="Gate"/>.
    /// </summary>
    public ResponseState Visible => Publication?.Committed ?? Current;

    /// <summary>The response id, <c>resp_…</c>.</summary>
    public string Id { get; }

    /// <summary>The tenant that created it; no other tenant may see it.</summary>
    public string Tenant { get; }

    /// <summary>The validated request.</summary>
    public ResponseRequest Request { get; }

    /// <summary>When it was admitted.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The id of the single output message item.</summary>
    public string ItemId { get; }

    private ResponseLog? _log = new();
    private ColdCopy? _cold;

    /// <summary>
    /// The response's events in memory, in sequence order, while it is hot. The pipeline only touches a
    /// running response, which is always hot; readers open the events through <see cref="ResponseLogSource"/>,
    /// which also reads a cold response back from the event log.
    /// </summary>
    public ResponseLog Log => Volatile.Read(ref _log) ?? throw new InvalidOperationException($"Response {Id} is cold: its events are in the event log only.");

    /// <summary>Where its events lie in the event log once its memory copy was released; null while it is hot.</summary>
    public ColdCopy? Cold => Volatile.Read(ref _cold);

    /// <summary>The in-memory log while the response is hot, else null.</summary>
    public ResponseLog? HotLog => Volatile.Read(ref _log);

    /// <summary>
    /// Releases the in-memory copy of a finished response whose events are now in <paramref name="cold"/>.
    /// Readers already streaming keep the log they hold; new readers read the cold copy.
    /// </summary>
    public void MakeCold(ColdCopy cold)
    {
        // Published before the log is dropped: whoever finds no log finds the cold copy.
        Volatile.Write(ref _cold, cold);
        Volatile.Write(ref _log, null);
    }

    /// <summary>How many events it has, their size and the last sequence number (-1 when none), hot or cold.</summary>
    public (int Count, long Bytes, long LastSequenceNumber) EventTotals =>
        HotLog is { } log ? (log.Count, log.ByteCount, log.LastSequenceNumber) : (Cold!.EventCount, Cold.ByteCount, Cold.LastSequenceNumber);

    /// <summary>Whether readers can already see the terminal event (always, once the response is cold).</summary>
    public bool TerminalEventVisible => HotLog?.IsCompleted ?? true;

    /// <summary>Guards every mutable member below.</summary>
    public Lock Gate { get; } = new();

    /// <summary>Cancelled to stop the job (cancel, delete, foreground client gone, shutdown).</summary>
    public CancellationTokenSource JobCancellation { get; } = new();

    /// <summary>Completed (never faulted) once the terminal event is visible to readers (in sync durability: committed).</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The current status.</summary>
    public ResponseStatus Status { get; set; } = ResponseStatus.Queued;

    /// <summary>The sequence number the next event gets.</summary>
    public long NextSequenceNumber { get; set; }

    /// <summary>The output text so far.</summary>
    public StringBuilder OutputText { get; } = new();

    /// <summary>Whether <c>response.output_item.added</c> has been emitted.</summary>
    public bool OutputStarted { get; set; }

    /// <summary>Whether the output message is finished (<c>response.output_item.done</c> emitted).</summary>
    public bool OutputFinished { get; set; }

    /// <summary>Input tokens as counted by the generator.</summary>
    public int InputTokens { get; set; }

    /// <summary>Output tokens generated so far.</summary>
    public int OutputTokens { get; set; }

    /// <summary>The error of a failed response.</summary>
    public ResponseError? Error { get; set; }

    /// <summary>Why a response is incomplete (<c>max_output_tokens</c>, <c>cancelled</c>).</summary>
    public string? IncompleteReason { get; set; }

    /// <summary>When the terminal event was appended; retention counts from here.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The response object as it was when admitted (status <c>queued</c>), the answer to a non-streaming create.</summary>
    public byte[] AdmittedObject { get; set; } = [];

    /// <summary>SSE readers currently attached.</summary>
    public int ActiveReaders => Volatile.Read(ref _activeReaders);

    private int _activeReaders;

    /// <summary>Counts a reader in; dispose the result to count it out.</summary>
    public ReaderRegistration AttachReader()
    {
        Interlocked.Increment(ref _activeReaders);
        return new ReaderRegistration(this);
    }

    /// <summary>Counts a reader out when disposed.</summary>
    public readonly struct ReaderRegistration(ResponseEntry entry) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => Interlocked.Decrement(ref entry._activeReaders);
    }

    /// <summary>Whether the terminal event has been appended.</summary>
    public bool IsTerminal => Status.IsTerminal();
}
