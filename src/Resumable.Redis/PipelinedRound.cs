using StackExchange.Redis;

namespace Resumable.Redis;

/// <summary>
/// One publication round as pipelined batches of at most <see cref="Commands"/> commands, each sent and awaited
/// (within the command timeout) before the next is filled: a node that holds many responses republishes in
/// bounded steps instead of one batch that no timeout can cover.
/// </summary>
internal sealed class PipelinedRound(RedisConnection connection)
{
    /// <summary>The most commands one batch carries.</summary>
    public const int Commands = 1_000;

    /// <summary>The batch being filled.</summary>
    public IBatch Batch { get; private set; } = connection.Database.CreateBatch();

    /// <summary>The commands of the batch being filled.</summary>
    public List<Task> Sent { get; } = new(Commands + 8);

    /// <summary>Sends the batch once it is full, and starts the next.</summary>
    public Task SendWhenFullAsync() => Sent.Count >= Commands ? SendAsync() : Task.CompletedTask;

    /// <summary>Sends what the batch holds (nothing when empty) and waits for every answer.</summary>
    public async Task SendAsync()
    {
        if (Sent.Count == 0)
        {
            return;
        }

        Batch.Execute();
        try
        {
            await Task.WhenAll(Sent).WaitAsync(connection.CommandTimeout).ConfigureAwait(false);
        }
        finally
        {
            Sent.Clear();
            Batch = connection.Database.CreateBatch();
        }
    }
}
