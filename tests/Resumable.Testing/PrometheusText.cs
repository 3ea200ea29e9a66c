using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Resumable.Testing;

/// <summary>
/// Parses Prometheus exposition text with an independent parser: the official Python client's
/// (<c>prometheus_client.parser</c>, Debian's <c>python3-prometheus-client</c>, installed by scripts/test.sh), run as
/// a child process. It raises on anything that is not valid text format, so a parse is also a check.
/// </summary>
public static class PrometheusText
{
    private const string Python = "/usr/bin/python3";

    // Prints every sample as one JSON object per family; values that are not finite never occur in our series'
    // values (only in the le label, which is a string).
    private const string Parser = """
        import json, sys
        from prometheus_client.parser import text_string_to_metric_families
        families = [{"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]}
                    for f in text_string_to_metric_families(sys.stdin.read())]
        print(json.dumps(families))
        """;

    /// <summary>Every sample of <paramref name="text"/>; throws when it does not parse.</summary>
    public static async Task<IReadOnlyList<PrometheusSample>> ParseAsync(string text)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install Debian's python3-prometheus-client (scripts/test.sh does, as root).");
        }

        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Parser);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The Prometheus parser refused the text: {await stderr}");
        }

        using var document = JsonDocument.Parse(await stdout);
        var samples = new List<PrometheusSample>();
        foreach (var family in document.RootElement.EnumerateArray())
        {
            var type = family.GetProperty("type").GetString()!;
            foreach (var sample in family.GetProperty("samples").EnumerateArray())
            {
                var labels = sample.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
                samples.Add(new PrometheusSample(sample.GetProperty("name").GetString()!, type, labels, sample.GetProperty("value").GetDouble()));
            }
        }

        return samples;
    }
}

/// <summary>One sample: its series name (with <c>_total</c>, <c>_bucket</c>, … as exposed), its family's type, labels and value.</summary>
public sealed record PrometheusSample(string Name, string Type, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Whether every given label has the given value.</summary>
    public bool Has(params (string Label, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Label, out var v) && v == l.Value);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name}{{{string.Join(',', Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}} {Value.ToString(CultureInfo.InvariantCulture)}";
}
