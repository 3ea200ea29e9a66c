using System.Globalization;

namespace Resumable.LoadTest;

/// <summary>
/// What the fake upstream streams for one request: <paramref name="Tokens"/> content deltas, the first after
/// <paramref name="TimeToFirstTokenMs"/>, then paced at <paramref name="TokensPerSecond"/> (0: back to back). It
/// travels as the request's last message (<c>tokens=200 rate=50 ttft=1000</c>), the one part of a response request
/// the server passes on unchanged, so a request sent directly and one sent through the server ask for the same stream.
/// </summary>
internal readonly record struct FakeStreamShape(int Tokens, double TokensPerSecond, int TimeToFirstTokenMs)
{
    /// <summary>The shape as message text.</summary>
    public string ToInput() => string.Create(CultureInfo.InvariantCulture, $"tokens={Tokens} rate={TokensPerSecond} ttft={TimeToFirstTokenMs}");

    /// <summary>Reads <see cref="ToInput"/>'s text; a missing or unreadable field keeps its default (1 token, unpaced, at once).</summary>
    public static FakeStreamShape Parse(string? input)
    {
        var shape = new FakeStreamShape(1, 0, 0);
        foreach (var field in (input ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = field.IndexOf('=') is var equals and > 0 ? (field[..equals], field[(equals + 1)..]) : (field, "");
            shape = name switch
            {
                "tokens" when int.TryParse(value, CultureInfo.InvariantCulture, out var tokens) => shape with { Tokens = tokens },
                "rate" when double.TryParse(value, CultureInfo.InvariantCulture, out var rate) => shape with { TokensPerSecond = rate },
                "ttft" when int.TryParse(value, CultureInfo.InvariantCulture, out var ttft) => shape with { TimeToFirstTokenMs = ttft },
                _ => shape,
            };
        }

        return shape;
    }
}
