using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Entries;
using Resumable.Core.Events;
using Resumable.Core.Jobs;
using Resumable.Core.Responses;
using Resumable.Core.Sequencing;
using Resumable.Core.Streaming;
using Resumable.Testing;

namespace Resumable.Core.Tests.Streaming;

public class SseStreamerTests
{
    private static EventFrame Frame(long sequence, string type = ResponseEventTypes.OutputTextDelta) =>
        new(sequence, type, Encoding.UTF8.GetBytes($"id: {sequence}\nevent: {type}\ndata: {{}}\n\n"));

    [Fact]
    public async Task Stream_TerminalAppendedRightAfterAnEmptyRead_WritesTheTerminalFrame()
    {
        using var provider = CorePipeline.Create();
        var streamer = provider.GetRequiredService<SseStreamer>();
        var log = new ResponseLog();
        log.Append(Frame(0));
        var source = new ProducerAfterEmptyRead(log, Frame(1, ResponseEventTypes.Completed));
        var pipe = new Pipe();

        var finished = await streamer.StreamAsync(source, 0, pipe.Writer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await pipe.Writer.CompleteAsync();

        Assert.True(source.AppendedAfterEmptyRead);
        Assert.True(finished);
        Assert.Equal("id: 0\nevent: response.output_text.delta\ndata: {}\n\nid: 1\nevent: response.completed\ndata: {}\n\n", await ReadAllAsync(pipe.Reader));
    }

    [Fact]
    public async Task Stream_ThousandsOfShortResponsesWithCaughtUpReaders_EveryStreamEndsWithExactlyOneTerminalEvent()
    {
        using var provider = CorePipeline.Create();
        var streamer = provider.GetRequiredService<SseStreamer>();
        var lifecycle = provider.GetRequiredService<ResponseLifecycle>();
        var queue = provider.GetRequiredService<JobQueue>();
        const int Responses = 3_000;
        const int Parallel = 4;

        var failures = new List<string>();
        var lanes = Enumerable.Range(0, Parallel).Select(lane => Task.Run(async () =>
        {
            for (var i = lane; i < Responses; i += Parallel)
            {
                var entry = new ResponseEntry(ResponseId.New(), "tenant", new ResponseRequest
                {
                    Model = "synthetic",
                    Input = [new InputMessage("msg_1", "user", [new InputTextPart("input_text", "hi")])],
                    Background = true,
                }, DateTimeOffset.UnixEpoch);
                Assert.True(lifecycle.TryAdmit(entry, queue.TryEnqueue));
                queue.DrainWithoutWaiting().ToList();
                Assert.True(lifecycle.TryStart(entry, 1));

                // The reader catches up and waits for the next frame while the producer keeps appending.
                var pipe = new Pipe();
                var reading = streamer.StreamAsync(entry.Log, 0, pipe.Writer, CancellationToken.None);
                var text = ReadAllAsync(pipe.Reader);
                for (var token = 0; token < i % 4; token++)
                {
                    await Task.Yield();
                    lifecycle.TryAppendText(entry, "x", 1);
                }

                if (i % 3 == 0)
                {
                    lifecycle.TryCancel(entry);
                }
                else
                {
                    lifecycle.TryComplete(entry);
                }

                var finished = await reading.WaitAsync(TimeSpan.FromSeconds(30));
                await pipe.Writer.CompleteAsync();
                var stream = await text.WaitAsync(TimeSpan.FromSeconds(30));
                var terminals = CountTerminalEvents(stream);
                if (!finished || terminals != 1 || !stream.EndsWith("\n\n", StringComparison.Ordinal) || !LastEventIsTerminal(stream))
                {
                    lock (failures)
                    {
                        failures.Add($"{entry.Id}: finished {finished}, {terminals} terminal events");
                    }
                }
            }
        })).ToArray();

        await Task.WhenAll(lanes).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Empty(failures);
    }

    private static int CountTerminalEvents(string stream) =>
        stream.Split("\n").Count(line => line is "event: response.completed" or "event: response.incomplete" or "event: response.failed");

    private static bool LastEventIsTerminal(string stream)
    {
        var last = stream.Split("\n").Last(line => line.StartsWith("event: ", StringComparison.Ordinal));
        return last is "event: response.completed" or "event: response.incomplete" or "event: response.failed";
    }

    private static async Task<string> ReadAllAsync(PipeReader reader)
    {
        var text = new StringBuilder();
        while (true)
        {
            var read = await reader.ReadAsync();
            foreach (var segment in read.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    // Plays the producer at the worst moment for a reader: the terminal frame is appended just after the
    // reader's first read that found nothing new, before the reader acts on what that read told it.
    private sealed class ProducerAfterEmptyRead(ResponseLog log, EventFrame terminal) : IFrameSource
    {
        public bool AppendedAfterEmptyRead { get; private set; }

        public ReadOnlyMemory<EventFrame> ReadFrom(int position, out bool completed)
        {
            var frames = log.ReadFrom(position, out completed);
            if (frames.IsEmpty && !completed && !AppendedAfterEmptyRead)
            {
                AppendedAfterEmptyRead = true;
                log.Append(terminal);
            }

            return frames;
        }

        public Task WaitForFrameAsync(int position, CancellationToken cancellationToken) => log.WaitForFrameAsync(position, cancellationToken);
    }
}
