using System.Text.Json;
using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary><c>resumable ls</c>, <c>inspect</c> and <c>stats</c>: the operator endpoints through the client, with the admin key.</summary>
public class AdminCommandsTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Ls_ShowsACreatedResponse_AsJsonAndAsATable_AndFiltersByStatus()
    {
        var id = await server.Tenant.CreateBackgroundAsync("Listed by the command line", ResponsesApi.Synthetic(10));
        await server.Tenant.WaitForTerminalAsync(id);

        var json = await server.RunAsync("ls", "--json", "--limit", "100", "--tenant", CliServer.TenantName);
        Assert.True(json.ExitCode == 0, json.ToString());
        var row = Assert.Single(JsonDocument.Parse(json.StdOut).RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == id);
        Assert.Equal("completed", row.GetProperty("status").GetString());
        Assert.Equal(CliServer.TenantName, row.GetProperty("tenant").GetString());

        var running = await server.RunAsync("ls", "--json", "--status", "in_progress");
        Assert.True(running.ExitCode == 0, running.ToString());
        Assert.DoesNotContain(JsonDocument.Parse(running.StdOut).RootElement.EnumerateArray(), r => r.GetProperty("id").GetString() == id);

        var table = await server.RunAsync("ls");
        Assert.True(table.ExitCode == 0, table.ToString());
        var line = Assert.Single(table.StdOut.Split('\n'), l => l.Contains(id, StringComparison.Ordinal));
        Assert.Contains("completed", line, StringComparison.Ordinal);
        Assert.Contains(CliServer.TenantName, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_ListsEveryEventInOrderWithItsSequenceNumberTypeAndSize_AcrossPages()
    {
        // More events than one admin page (1,000), so the client has to page.
        var id = await server.Tenant.CreateBackgroundAsync("Inspected by the command line", ResponsesApi.Synthetic(1_200));
        await server.Tenant.WaitForTerminalAsync(id);
        await server.Admin.WaitUntilDurableAsync(id);
        var frames = await server.Tenant.ReadAllEventsAsync(id);

        var result = await server.RunAsync("inspect", id, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonDocument.Parse(result.StdOut).RootElement;
        var events = report.GetProperty("events").EnumerateArray().ToList();
        Assert.True(frames.Count > 1_000, $"only {frames.Count} events");
        Assert.Equal(frames.Select(f => f.SequenceNumber), events.Select(e => e.GetProperty("sequence_number").GetInt64()));
        Assert.Equal(frames.Select(f => f.Event), events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(frames.Select(f => f.Raw.Length), events.Select(e => e.GetProperty("bytes").GetInt32()));
        Assert.All(events, e => Assert.True(e.GetProperty("durable").GetBoolean()));
        Assert.Equal(frames[^1].SequenceNumber, report.GetProperty("response").GetProperty("durable_sequence_number").GetInt64());

        var table = await server.RunAsync("inspect", id);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains($"{frames.Count} event(s)", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("response.completed", table.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_PrintsTheNodesStatistics_AsJsonAndAsATable()
    {
        var json = await server.RunAsync("stats", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var stats = JsonDocument.Parse(json.StdOut).RootElement;
        Assert.Equal("async", stats.GetProperty("durability").GetString());

        var table = await server.RunAsync("stats");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("queue.capacity", table.StdOut, StringComparison.Ordinal);
        Assert.Contains("wal.commits", table.StdOut, StringComparison.Ordinal);
    }
}
