using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Resumable.Core.Entries;
using Resumable.Core.Responses;
using Resumable.Core.Sequencing;

namespace Resumable.Core.Jobs;

/// <summary>
/// Runs <see cref="QueueOptions.Workers"/> loops that take responses from the queue and generate them.
/// On shutdown, responses still queued fail with <c>server_shutdown</c> so their readers end.
/// </summary>
internal sealed class ResponseWorkerService(
    JobQueue queue,
    ResponseJobRunner runner,
    ResponseLifecycle lifecycle,
    IOptions<QueueOptions> options) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new Task[options.Value.Workers];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(stoppingToken), CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        foreach (var entry in queue.DrainWithoutWaiting())
        {
            lifecycle.TryFail(entry, new ResponseError("server_shutdown", "The server shut down before this response started."));
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ResponseEntry entry;
            try
            {
                entry = await queue.DequeueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await runner.RunAsync(entry, stoppingToken).ConfigureAwait(false);
        }
    }
}
