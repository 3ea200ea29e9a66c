using System.CommandLine;
using System.Globalization;
using Resumable.Cli.Commands;
using Resumable.Cli.Connection;
using Resumable.Cli.Output;
using Spectre.Console;

namespace Resumable.Cli.Bench;

/// <summary><c>bench</c>: a bounded load with a live progress display, then a table of the figures.</summary>
internal static class BenchCommand
{
    // How often the plain progress lines (output not a terminal) and the live display look at the counters.
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create()
    {
        var responses = new Option<int>("--responses", "-n") { Description = "How many responses to create.", DefaultValueFactory = _ => 100 }.InRange(1, 100_000);
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "How many run at once.", DefaultValueFactory = _ => 10 }.InRange(1, 1_000);
        var tokens = new Option<int>("--tokens") { Description = "Tokens per response (synthetic model).", DefaultValueFactory = _ => 100 }.InRange(1, 100_000);
        var speed = new Option<double>("--tokens-per-second") { Description = "Pace of each response, 0 = as fast as possible (synthetic model).", DefaultValueFactory = _ => 50 }.InRange(0, 10_000_000);
        var model = new Option<string>("--model") { Description = "Model to use.", DefaultValueFactory = _ => "synthetic" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON instead of a table." };
        var command = new Command("bench", "Drive a bounded load of streamed responses and report throughput and latencies.") { responses, concurrency, tokens, speed, model, json };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            var settings = new BenchSettings(parseResult.GetValue(responses), parseResult.GetValue(concurrency), parseResult.GetValue(tokens), parseResult.GetValue(speed), parseResult.GetValue(model)!);
            using var client = ConnectionSettings.From(parseResult).TenantClient();
            var runner = new BenchRunner(client, settings);
            var report = Terminal.IsInteractive
                ? await RunLiveAsync(runner, settings, cancellationToken).ConfigureAwait(false)
                : await RunPlainAsync(runner, settings, cancellationToken).ConfigureAwait(false);

            if (report.FirstError is { } error)
            {
                await Console.Error.WriteLineAsync($"{report.Errors} response(s) failed; the first: {error}").ConfigureAwait(false);
            }

            if (parseResult.GetValue(json))
            {
                Terminal.WriteJson(report);
            }
            else
            {
                Terminal.Out.WriteLine($"{settings.Responses} responses of {settings.Tokens} tokens at {Speed(settings.TokensPerSecond)}, {settings.Concurrency} at once");
                Terminal.Out.Write(Table(report));
            }

            return report.Errors == 0 ? ExitCodes.Success : ExitCodes.ServerOrConnection;
        }));
        return command;
    }

    private static async Task<BenchReport> RunLiveAsync(BenchRunner runner, BenchSettings settings, CancellationToken cancellationToken) =>
        await Terminal.Out.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("responses", maxValue: settings.Responses);
                var run = runner.RunAsync(cancellationToken);
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(ProgressInterval, cancellationToken)).ConfigureAwait(false);
                    task.Value = runner.Done;
                    task.Description = $"responses {runner.Done}/{settings.Responses}, events {runner.Events}";
                }

                return await run.ConfigureAwait(false);
            }).ConfigureAwait(false);

    // Without a terminal: a line on stderr whenever another tenth of the responses is done, so logs stay short and stdout holds only the figures.
    private static async Task<BenchReport> RunPlainAsync(BenchRunner runner, BenchSettings settings, CancellationToken cancellationToken)
    {
        var run = runner.RunAsync(cancellationToken);
        var reportedTenths = 0;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(ProgressInterval, cancellationToken)).ConfigureAwait(false);
            var tenths = runner.Done * 10 / settings.Responses;
            if (tenths > reportedTenths)
            {
                reportedTenths = tenths;
                await Console.Error.WriteLineAsync($"bench: {runner.Done}/{settings.Responses} responses done, {runner.Events} events").ConfigureAwait(false);
            }
        }

        return await run.ConfigureAwait(false);
    }

    private static Table Table(BenchReport report)
    {
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("responses", report.Responses.ToString(CultureInfo.InvariantCulture));
        table.AddRow("completed", report.Completed.ToString(CultureInfo.InvariantCulture));
        table.AddRow("errors", report.Errors == 0 ? "0" : $"[red]{report.Errors}[/]");
        table.AddRow("events", report.Events.ToString(CultureInfo.InvariantCulture));
        table.AddRow("duration (s)", report.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("throughput (events/s)", report.EventsPerSecond.ToString("0", CultureInfo.InvariantCulture));
        table.AddRow("time to first event p50 (ms)", Formats.Milliseconds(report.FirstEventP50));
        table.AddRow("time to first event p95 (ms)", Formats.Milliseconds(report.FirstEventP95));
        table.AddRow("time to first event p99 (ms)", Formats.Milliseconds(report.FirstEventP99));
        table.AddRow("time to first text delta p50 (ms)", Formats.Milliseconds(report.FirstDeltaP50));
        table.AddRow("time to first text delta p95 (ms)", Formats.Milliseconds(report.FirstDeltaP95));
        table.AddRow("time to first text delta p99 (ms)", Formats.Milliseconds(report.FirstDeltaP99));
        table.AddRow("inter-event latency p50 (ms)", Formats.Milliseconds(report.InterEventP50));
        table.AddRow("inter-event latency p99 (ms)", Formats.Milliseconds(report.InterEventP99));
        return table;
    }

    private static string Speed(double tokensPerSecond) =>
        tokensPerSecond == 0 ? "full speed" : $"{tokensPerSecond.ToString(CultureInfo.InvariantCulture)} tokens/s";
}
