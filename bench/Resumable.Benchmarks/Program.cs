using BenchmarkDotNet.Running;
using Resumable.Benchmarks;

// Usage: dotnet run -c Release --project bench/Resumable.Benchmarks -- --filter '*'
// (add --job short for a quick look). Results land in BenchmarkDotNet.Artifacts/.
// `-- commit-cost [ticks] [rounds]` instead measures the CPU of one group commit (CommitCostProbe).
if (args is ["commit-cost", ..])
{
    return await CommitCostProbe.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2_000,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
