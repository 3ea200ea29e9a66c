using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project bench/Resumable.Benchmarks -- --filter '*'
// (add --job short for a quick look). Results land in BenchmarkDotNet.Artifacts/.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
