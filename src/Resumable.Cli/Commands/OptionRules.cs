using System.CommandLine;

namespace Resumable.Cli.Commands;

/// <summary>Range checks on options, reported as parse errors (exit code 2).</summary>
internal static class OptionRules
{
    public static Option<T> InRange<T>(this Option<T> option, T min, T max)
        where T : struct, IComparable<T>
    {
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                // A value that does not convert gets its own parse error; validators still run and would throw here.
                return;
            }

            if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
            {
                result.AddError($"{option.Name} must be between {min} and {max}; got {value}.");
            }
        });
        return option;
    }
}
