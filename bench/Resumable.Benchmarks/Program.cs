using BenchmarkDotNet.Running;
using Resumable.Benchmarks;

// Usage: dotnet run -c Release --project bench/Resumable.Benchmarks -- --filter '*'
// (add --job short for a quick look). Results land in BenchmarkDotNet.Artifacts/.
// `-- commit-cost [ticks] [rounds]` instead measures the CPU of one group commit (CommitCostProbe).
if (args is ["commit-cost", ..])
{
    return await CommitCostProbe.RunAsync(ArgumentOr(1, 2_000), ArgumentOr(2, 3));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

int ArgumentOr(int index, int fallback) =>
    args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
