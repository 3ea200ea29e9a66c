using System.Text;
using Resumable.Core.Events;
using Resumable.Core.Streaming;
using Resumable.Testing;

namespace Resumable.Core.Tests.Streaming;

public class ResponseLogTests
{
    private static EventFrame Frame(long sequence, string type = ResponseEventTypes.OutputTextDelta) =>
        new(sequence, type, Encoding.UTF8.GetBytes($"id: {sequence}\n\n"));

    [Fact]
    public void Append_ManyFramesWithNoReader_NeverBlocksAndKeepsOrder()
    {
        var log = new ResponseLog();
        for (var i = 0; i < 10_000; i++)
        {
            log.Append(Frame(i));
        }

        var frames = log.ReadFrom(0).ToArray();
        Assert.Equal(10_000, frames.Length);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => (long)i), frames.Select(f => f.SequenceNumber));
    }

    [Fact]
    public async Task WaitForFrame_ReaderCaughtUp_CompletesWhenTheNextFrameIsAppended()
    {
        var log = new ResponseLog();
        log.Append(Frame(0));
        var waiting = log.WaitForFrameAsync(1, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        log.Append(Frame(1));
        await waiting.WaitAsync(Eventually.HangBound);
        Assert.Equal(1, log.ReadFrom(1).Span[0].SequenceNumber);
    }

    [Fact]
    public async Task WaitForFrame_LogCompleted_CompletesForReadersAtTheEnd()
    {
        var log = new ResponseLog();
        var waiting = log.WaitForFrameAsync(0, CancellationToken.None);
        log.Append(Frame(0, ResponseEventTypes.Completed));

        await waiting.WaitAsync(Eventually.HangBound);
        Assert.True(log.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => log.Append(Frame(1)));
    }

    [Fact]
    public async Task ReadFrom_ConcurrentReadersDuringAppends_EachSeesEveryFrameInOrder()
    {
        var log = new ResponseLog();
        const int Total = 20_000;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var seen = new List<long>();
            var position = 0;
            while (seen.Count < Total)
            {
                var frames = log.ReadFrom(position);
                foreach (var frame in frames.Span)
                {
                    seen.Add(frame.SequenceNumber);
                }

                position += frames.Length;
                if (frames.IsEmpty)
                {
                    await log.WaitForFrameAsync(position, CancellationToken.None).WaitAsync(Eventually.HangBound);
                }
            }

            return seen;
        })).ToArray();

        for (var i = 0; i < Total; i++)
        {
            log.Append(Frame(i));
        }

        foreach (var seen in await Task.WhenAll(readers).WaitAsync(Eventually.HangBound))
        {
            Assert.Equal(Enumerable.Range(0, Total).Select(i => (long)i), seen);
        }
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, 1)]
    [InlineData(5, 3)]
    [InlineData(6, 3)]
    [InlineData(7, 4)]
    [InlineData(100, 4)]
    public void IndexAfter_SequenceNumbersWithAGap_FindsTheFirstLaterFrame(long cursor, int expectedIndex)
    {
        var log = new ResponseLog();
        foreach (var sequence in new long[] { 0, 1, 5, 7 })
        {
            log.Append(Frame(sequence));
        }

        Assert.Equal(expectedIndex, log.IndexAfter(cursor));
    }
}
