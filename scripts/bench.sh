#!/usr/bin/env bash
# Regenerates every benchmark figure in docs/benchmarks/ from real runs on this machine: the end-to-end load
# run (results.md, latency.svg, throughput.svg) and the BenchmarkDotNet micro-benchmarks (micro/*.md).
# Takes a few minutes; run it on an otherwise idle machine. Figures are never edited by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release bench/Resumable.LoadTest
dotnet bench/Resumable.LoadTest/bin/Release/net10.0/Resumable.LoadTest.dll --out docs/benchmarks
# Only this run's reports are copied: earlier runs' (of benchmarks since renamed or removed) are cleared first.
rm -rf BenchmarkDotNet.Artifacts
dotnet run -c Release --project bench/Resumable.Benchmarks -- --filter '*' --job short --exporters github
mkdir -p docs/benchmarks/micro
cp BenchmarkDotNet.Artifacts/results/*-report-github.md docs/benchmarks/micro/
