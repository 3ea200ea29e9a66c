namespace Resumable.Cli.Bench;

/// <summary>What one bench run does: how many synthetic responses, how many at once, their length and pace.</summary>
internal sealed record BenchSettings(int Responses, int Concurrency, int Tokens, double TokensPerSecond, string Model);
