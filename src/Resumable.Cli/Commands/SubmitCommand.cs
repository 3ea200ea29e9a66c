using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Resumable.Cli.Connection;
using Resumable.Cli.Streaming;

namespace Resumable.Cli.Commands;

/// <summary><c>submit [PROMPT]</c>: creates a response and streams its text, or with <c>--background</c> prints only its id.</summary>
internal static class SubmitCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string?>("prompt") { Description = "The input text; read from standard input when not given.", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string>("--model", "-m") { Description = "Model to use.", DefaultValueFactory = _ => "synthetic" };
        var background = new Option<bool>("--background", "-b") { Description = "Create a background response and print only its id." };
        var instructions = new Option<string?>("--instructions") { Description = "System instructions sent with the input." };
        var maxOutputTokens = new Option<int?>("--max-output-tokens") { Description = "Ends the response incomplete after this many tokens." };
        var tokens = new Option<int?>("--tokens") { Description = "Synthetic model: how many tokens to produce (metadata synthetic_output_tokens)." };
        var speed = new Option<double?>("--tokens-per-second") { Description = "Synthetic model: pace, 0 = as fast as possible (metadata synthetic_tokens_per_second)." };
        var ttft = new Option<int?>("--ttft-ms") { Description = "Synthetic model: time to first token in ms (metadata synthetic_ttft_ms)." };
        var metadata = new Option<string[]>("--metadata") { Description = "Metadata pair KEY=VALUE; repeat for more.", AllowMultipleArgumentsPerToken = false };
        metadata.Validators.Add(result =>
        {
            foreach (var pair in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (pair.IndexOf('=', StringComparison.Ordinal) <= 0)
                {
                    result.AddError($"--metadata expects KEY=VALUE; got '{pair}'.");
                }
            }
        });

        var command = new Command("submit", "Create a response and stream its text to standard output as it arrives.")
        {
            prompt, model, background, instructions, maxOutputTokens, tokens, speed, ttft, metadata,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(cancellationToken, async () =>
        {
            var settings = ConnectionSettings.From(parseResult);
            var input = parseResult.GetValue(prompt) ?? await ReadStdinAsync(cancellationToken).ConfigureAwait(false);
            var pairs = new JsonObject();
            foreach (var pair in parseResult.GetValue(metadata) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                pairs[pair[..equals]] = pair[(equals + 1)..];
            }

            Put(pairs, "synthetic_output_tokens", parseResult.GetValue(tokens));
            Put(pairs, "synthetic_tokens_per_second", parseResult.GetValue(speed));
            Put(pairs, "synthetic_ttft_ms", parseResult.GetValue(ttft));

            var isBackground = parseResult.GetValue(background);
            var body = new JsonObject
            {
                ["model"] = parseResult.GetValue(model),
                ["input"] = input,
                ["background"] = isBackground,
                ["stream"] = !isBackground,
            };
            if (pairs.Count > 0)
            {
                body["metadata"] = pairs;
            }

            if (parseResult.GetValue(instructions) is { } text)
            {
                body["instructions"] = text;
            }

            if (parseResult.GetValue(maxOutputTokens) is { } max)
            {
                body["max_output_tokens"] = max;
            }

            using var client = settings.TenantClient();
            if (isBackground)
            {
                var created = await client.SendJsonAsync(HttpMethod.Post, "v1/responses", body, cancellationToken).ConfigureAwait(false);
                Console.Out.WriteLine(created.GetProperty("id").GetString());
                return ExitCodes.Success;
            }

            return await StreamAsync(client, body, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    // A foreground stream cannot be resumed: the server cancels a foreground response whose creator went away.
    private static async Task<int> StreamAsync(ApiClient client, JsonObject body, CancellationToken cancellationToken)
    {
        var printer = new ResponseTextPrinter(Console.Out);
        StreamOutcome? outcome;
        try
        {
            using var response = await client.OpenStreamAsync(HttpMethod.Post, "v1/responses", body, lastEventId: null, cancellationToken).ConfigureAwait(false);
            using var reader = new SseEventReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            outcome = await printer.PumpAsync(reader, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && printer.LastSequenceNumber is not null)
        {
            throw new StreamGaveUpException($"connection lost after event {printer.LastSequenceNumber}; a foreground response ends with its connection (use --background and tail to resume)", e);
        }

        await Console.Out.WriteLineAsync().ConfigureAwait(false);
        if (outcome is null)
        {
            throw new StreamGaveUpException($"the stream ended after event {printer.LastSequenceNumber} without a terminal event");
        }

        return Report(outcome);
    }

    /// <summary>Exit code for a followed response, with a line on stderr when it did not complete.</summary>
    public static int Report(StreamOutcome outcome)
    {
        if (outcome.Completed)
        {
            return ExitCodes.Success;
        }

        Console.Error.WriteLine($"response {outcome.ResponseId} ended {outcome.Status}" + (outcome.Reason is { } reason ? $": {reason}" : ""));
        return ExitCodes.ResponseNotCompleted;
    }

    private static void Put<T>(JsonObject pairs, string key, T? value)
        where T : struct, IFormattable
    {
        if (value is { } v)
        {
            pairs[key] = v.ToString(null, CultureInfo.InvariantCulture);
        }
    }

    private static async Task<string> ReadStdinAsync(CancellationToken cancellationToken)
    {
        if (!Console.IsInputRedirected)
        {
            throw new UsageException("no prompt: give it as an argument or on standard input.");
        }

        var text = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return text.Length == 0 ? throw new UsageException("no prompt: standard input was empty.") : text;
    }
}
