using Resumable.Core.Changes;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Persistence;
using Resumable.Core.Responses;

namespace Resumable.Core.Sequencing;

/// <summary>
/// The state machine of a response. Each transition changes the entry and emits its events atomically
/// under the entry's lock, and refuses to act once the response is terminal: that is what makes the
/// terminal event unique even when a worker, a cancel and a delete race. A response starting and finishing is
/// reported to <paramref name="changes"/> (admission is reported by the registry), never an event of its own.
/// </summary>
public sealed class ResponseLifecycle(ResponseSequencer sequencer, IEventLog eventLog, TimeProvider timeProvider, ResumableMetrics metrics, ResponseChangeFeed changes)
{
    /// <summary>
    /// Queues a new response through <paramref name="tryEnqueue"/> (the job queue) and emits <c>response.created</c>
    /// and, for background responses, <c>response.queued</c>. False, with nothing emitted, when the queue refuses it.
    /// </summary>
    public bool TryAdmit(ResponseEntry entry, Func<ResponseEntry, bool> tryEnqueue)
    {
        // The lock is taken before queueing so that a worker which dequeues at once waits here, and its
        // response.in_progress always follows response.created.
        lock (entry.Gate)
        {
            if (!tryEnqueue(entry))
            {
                return false;
            }

            entry.Status = ResponseStatus.Queued;
            if (entry.Request.Store)
            {
                eventLog.RecordCreated(entry.Id, new CreatedRecord(entry.Tenant, entry.CreatedAt.ToUnixTimeMilliseconds(), entry.ItemId, entry.Request));
            }

            sequencer.Append(entry, ResponseEventKind.Created);
            if (entry.Request.Background)
            {
                sequencer.Append(entry, ResponseEventKind.Queued);
            }

            entry.AdmittedObject = ResponseObjectWriter.Serialize(entry, asSequenced: true);

            return true;
        }
    }

    /// <summary>Moves a queued response to in progress and opens its output message. False when already terminal.</summary>
    public bool TryStart(ResponseEntry entry, int inputTokens)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return false;
            }

            entry.Status = ResponseStatus.InProgress;
            entry.InputTokens = inputTokens;
            sequencer.Append(entry, ResponseEventKind.InProgress);
            entry.OutputStarted = true;
            sequencer.Append(entry, ResponseEventKind.OutputItemAdded);
            sequencer.Append(entry, ResponseEventKind.ContentPartAdded);
        }

        changes.Changed(entry.Id);
        return true;
    }

    /// <summary>
    /// Appends generated text (whole characters) and counts <paramref name="tokens"/>; emits a delta when the
    /// text is not empty. False when the response is already terminal, which tells the worker to stop.
    /// </summary>
    public bool TryAppendText(ResponseEntry entry, string text, int tokens)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return false;
            }

            entry.OutputTokens += tokens;
            if (text.Length > 0)
            {
                entry.OutputText.Append(text);
                sequencer.Append(entry, ResponseEventKind.OutputTextDelta, text);
            }

            return true;
        }
    }

    /// <summary>Replaces the token counts with those the model reported (its usage), before the terminal event that shows them.</summary>
    public void ReportUsage(ResponseEntry entry, int? inputTokens, int? outputTokens)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return;
            }

            entry.InputTokens = inputTokens ?? entry.InputTokens;
            entry.OutputTokens = outputTokens ?? entry.OutputTokens;
        }
    }

    /// <summary>Closes the output and emits <c>response.completed</c>. False when already terminal.</summary>
    public bool TryComplete(ResponseEntry entry) => TryFinishOutput(entry, ResponseStatus.Completed, incompleteReason: null);

    /// <summary>Closes the output and emits <c>response.incomplete</c> with <paramref name="reason"/>. False when already terminal.</summary>
    public bool TryStopIncomplete(ResponseEntry entry, string reason) => TryFinishOutput(entry, ResponseStatus.Incomplete, reason);

    /// <summary>Emits <c>response.failed</c> with <paramref name="error"/>. False when already terminal.</summary>
    public bool TryFail(ResponseEntry entry, ResponseError error)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return false;
            }

            entry.Error = error;
            EmitTerminal(entry, ResponseStatus.Failed, ResponseEventKind.Failed);
        }

        AfterTerminal(entry);
        return true;
    }

    /// <summary>
    /// Cancels a response that is not yet terminal: emits <c>response.incomplete</c> with status
    /// <c>cancelled</c> and stops its job. Idempotent: false when it was already terminal.
    /// </summary>
    public bool TryCancel(ResponseEntry entry)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return false;
            }

            entry.IncompleteReason = "cancelled";
            EmitTerminal(entry, ResponseStatus.Cancelled, ResponseEventKind.Incomplete);
        }

        AfterTerminal(entry);
        return true;
    }

    /// <summary>
    /// Deletes a response: cancels it if it is still in flight (its readers get the terminal event) and records
    /// the deletion so that recovery forgets it. The caller removes it from the registry.
    /// </summary>
    public void Delete(ResponseEntry entry)
    {
        TryCancel(entry);
        lock (entry.Gate)
        {
            eventLog.RecordDeleted(entry.Id);
        }
    }

    /// <summary>
    /// Ends a response that was in flight when the previous process stopped: emits <c>response.failed</c>
    /// with code <c>server_restarted</c>, numbered at <paramref name="sequenceNumber"/> (above every number a
    /// client of the previous process can have seen) and completed at <paramref name="stoppedAt"/>, so that the
    /// event depends only on what was durable. False when the response was already terminal.
    /// </summary>
    public bool TryFailInterrupted(ResponseEntry entry, long sequenceNumber, DateTimeOffset stoppedAt)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return false;
            }

            entry.NextSequenceNumber = sequenceNumber;
            entry.Error = new ResponseError("server_restarted", "The server stopped while this response was in flight; events after the last durable one were lost.");
            EmitTerminal(entry, ResponseStatus.Failed, ResponseEventKind.Failed, stoppedAt);
        }

        AfterTerminal(entry);
        return true;
    }

    private bool TryFinishOutput(ResponseEntry entry, ResponseStatus status, string? incompleteReason)
    {
        lock (entry.Gate)
        {
            if (entry.IsTerminal)
            {
                return false;
            }

            if (entry.OutputStarted && !entry.OutputFinished)
            {
                sequencer.Append(entry, ResponseEventKind.OutputTextDone);
                sequencer.Append(entry, ResponseEventKind.ContentPartDone);
                entry.OutputFinished = true;
                sequencer.Append(entry, ResponseEventKind.OutputItemDone);
            }

            entry.IncompleteReason = incompleteReason;
            EmitTerminal(entry, status, status == ResponseStatus.Completed ? ResponseEventKind.Completed : ResponseEventKind.Incomplete);
        }

        AfterTerminal(entry);
        return true;
    }

    private void EmitTerminal(ResponseEntry entry, ResponseStatus status, ResponseEventKind kind, DateTimeOffset? completedAt = null)
    {
        entry.Status = status;
        entry.CompletedAt = completedAt ?? timeProvider.GetUtcNow();
        sequencer.Append(entry, kind);
    }

    // Outside the lock: waking waiters and cancelling the job run other code. A response that publishes on
    // commit is finished for its callers only when its terminal event is committed (its publication says so).
    private void AfterTerminal(ResponseEntry entry)
    {
        metrics.ResponseFinished(entry.Status, entry.CompletedAt!.Value - entry.CreatedAt);
        if (entry.Publication is null)
        {
            entry.Finished.TrySetResult();
        }

        entry.JobCancellation.Cancel();
        changes.Changed(entry.Id);
    }
}
