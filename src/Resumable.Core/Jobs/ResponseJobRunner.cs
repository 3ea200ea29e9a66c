using Microsoft.Extensions.Logging;
using Resumable.Core.Diagnostics;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Generation;
using Resumable.Core.Responses;
using Resumable.Core.Sequencing;

namespace Resumable.Core.Jobs;

/// <summary>Runs one response: drives its generator and turns the chunks into lifecycle events.</summary>
internal sealed partial class ResponseJobRunner(
    GeneratorCatalog generators,
    ResponseLifecycle lifecycle,
    ResumableMetrics metrics,
    TimeProvider timeProvider,
    ILogger<ResponseJobRunner> logger)
{
    /// <summary>
    /// Generates <paramref name="entry"/> to a terminal event. Returns at once for a response that was
    /// cancelled while queued. <paramref name="stoppingToken"/> is the host's shutdown: a response it
    /// interrupts fails with <c>server_shutdown</c> so that no reader waits forever.
    /// </summary>
    public async Task RunAsync(ResponseEntry entry, CancellationToken stoppingToken)
    {
        if (!generators.TryResolve(entry.Request.Model, out var generator))
        {
            lifecycle.TryFail(entry, new ResponseError("model_not_found", $"No generator serves the model '{entry.Request.Model}'."));
            return;
        }

        if (!lifecycle.TryStart(entry, generator.CountInputTokens(entry.Request)))
        {
            return;
        }

        metrics.JobStarted();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(entry.JobCancellation.Token, stoppingToken);
        try
        {
            await GenerateAsync(entry, generator, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // Cancel and delete have already emitted the terminal event; only a shutdown has not.
            if (stoppingToken.IsCancellationRequested && lifecycle.TryFail(entry, new ResponseError("server_shutdown", "The server shut down while this response was being generated.")))
            {
                LogInterruptedByShutdown(entry.Id);
            }
        }
        catch (GenerationFailedException ex)
        {
            lifecycle.TryFail(entry, new ResponseError(ex.Code, ex.Message));
        }
        catch (Exception ex)
        {
            LogJobFailed(ex, entry.Id);
            lifecycle.TryFail(entry, new ResponseError("server_error", "The generator failed unexpectedly."));
        }
        finally
        {
            metrics.JobEnded();
        }
    }

    private async Task GenerateAsync(ResponseEntry entry, IGenerator generator, CancellationToken cancellationToken)
    {
        var decoder = new Utf8ChunkDecoder();
        var maxTokens = entry.Request.MaxOutputTokens ?? int.MaxValue;
        var model = entry.Request.Model;
        var tokens = 0;
        long lastText = 0; // timestamp of the last chunk that carried text; 0 until the first
        await foreach (var chunk in generator.GenerateAsync(entry.Request, cancellationToken).ConfigureAwait(false))
        {
            var endsToken = chunk.EndsToken ? 1 : 0;
            var text = decoder.Decode(chunk.Utf8.Span);
            if (!lifecycle.TryAppendText(entry, text, endsToken))
            {
                return;
            }

            if (text.Length > 0)
            {
                MeasureText(entry, model, ref lastText);
            }

            if (endsToken != 0)
            {
                metrics.TokensGenerated(model, endsToken);
            }

            tokens += endsToken;
            if (chunk.End is { } end)
            {
                lifecycle.TryAppendText(entry, decoder.Flush(), 0);
                lifecycle.ReportUsage(entry, end.InputTokens, end.OutputTokens);
                if (end.IncompleteReason is { } reason)
                {
                    lifecycle.TryStopIncomplete(entry, reason);
                }
                else
                {
                    lifecycle.TryComplete(entry);
                }

                return;
            }

            if (tokens >= maxTokens)
            {
                lifecycle.TryAppendText(entry, decoder.Flush(), 0);
                lifecycle.TryStopIncomplete(entry, "max_output_tokens");
                return;
            }
        }

        lifecycle.TryAppendText(entry, decoder.Flush(), 0);
        lifecycle.TryComplete(entry);
    }

    // Time to first token is what a client waits from its request on; the gaps after it are the model's pace.
    private void MeasureText(ResponseEntry entry, string model, ref long lastText)
    {
        var now = timeProvider.GetTimestamp();
        if (lastText == 0)
        {
            metrics.FirstToken(model, timeProvider.GetUtcNow() - entry.CreatedAt);
        }
        else
        {
            metrics.NextToken(model, timeProvider.GetElapsedTime(lastText, now));
        }

        lastText = now;
    }

    [LoggerMessage(EventIds.JobFailed, LogLevel.Error, "The generator of {ResponseId} threw unexpectedly; the response fails with server_error.")]
    private partial void LogJobFailed(Exception exception, string responseId);

    [LoggerMessage(EventIds.JobInterruptedByShutdown, LogLevel.Warning, "{ResponseId} was interrupted by shutdown and fails with server_shutdown.")]
    private partial void LogInterruptedByShutdown(string responseId);
}
