using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Resumable.Cli.Output;

/// <summary>Where tables and JSON go: standard output, with colours only on a terminal.</summary>
internal static class Terminal
{
    // Redirected output has no width; Spectre would wrap tables at 80 columns and split response ids across lines.
    private const int RedirectedWidth = 240;

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly Lazy<IAnsiConsole> Console = new(CreateConsole);

    public static IAnsiConsole Out => Console.Value;

    /// <summary>Whether standard output is a terminal (live displays and colours) rather than a pipe or a file.</summary>
    public static bool IsInteractive => !System.Console.IsOutputRedirected;

    /// <summary>Writes a JSON value indented, with non-ASCII text as it is.</summary>
    public static void WriteJson(JsonElement element) =>
        System.Console.Out.WriteLine(JsonSerializer.Serialize(element, Indented));

    /// <summary>Writes any value as indented JSON.</summary>
    public static void WriteJson<T>(T value) =>
        System.Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    private static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(System.Console.Out),
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = IsInteractive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsInteractive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!IsInteractive)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
