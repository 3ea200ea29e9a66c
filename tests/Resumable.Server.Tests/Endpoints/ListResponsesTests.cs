using System.Net.Http.Json;
using Resumable.Testing;

namespace Resumable.Server.Tests.Endpoints;

public class ListResponsesTests
{
    [Fact]
    public async Task List_PagesWithAfterAndHasMore_CoversEveryResponseOnce()
    {
        await using var factory = new ResumableAppFactory();
        var client = factory.CreateApiClient();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add(await client.CreateBackgroundAsync($"page {i}", ResponsesApi.Synthetic(2)));
        }

        var seen = new List<string>();
        string? after = null;
        for (var page = 0; page < 10; page++)
        {
            var list = await client.GetJsonAsync($"v1/responses?limit=3&order=asc{(after is null ? "" : $"&after={after}")}");
            Assert.Equal("list", list.GetProperty("object").GetString());
            var ids = list.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
            seen.AddRange(ids);
            if (!list.GetProperty("has_more").GetBoolean())
            {
                break;
            }

            after = list.GetProperty("last_id").GetString();
            Assert.Equal(ids[^1], after);
        }

        Assert.Equal(created.OrderBy(id => created.IndexOf(id)), seen.Where(created.Contains));
        Assert.Equal(7, seen.Count);
    }

    [Fact]
    public async Task List_StatusFilter_ReturnsOnlyThatStatus()
    {
        await using var factory = new ResumableAppFactory();
        var client = factory.CreateApiClient();
        var done = await client.CreateBackgroundAsync("done", ResponsesApi.Synthetic(2));
        var running = await client.CreateBackgroundAsync("running", ResponsesApi.Synthetic(5000, tokensPerSecond: 20));
        await client.WaitForTerminalAsync(done);
        await client.PostAsync($"v1/responses/{running}/cancel", null);

        var completed = (await client.GetJsonAsync("v1/responses?status=completed")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var cancelled = (await client.GetJsonAsync("v1/responses?status=cancelled")).GetProperty("data").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();

        Assert.Equal([done], completed);
        Assert.Equal([running], cancelled);
    }

    [Fact]
    public async Task InputItems_OfAnArrayInput_AreListedWithIdsRolesAndText()
    {
        await using var factory = new ResumableAppFactory();
        var client = factory.CreateApiClient();
        var response = await client.PostAsJsonAsync("v1/responses", new
        {
            model = "synthetic",
            background = true,
            input = new object[]
            {
                new { role = "system", content = "be brief" },
                new { type = "message", role = "user", content = new[] { new { type = "input_text", text = "first" }, new { type = "input_text", text = "第二" } } },
            },
        });
        var id = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();

        var ascending = await client.GetJsonAsync($"v1/responses/{id}/input_items?order=asc");
        var items = ascending.GetProperty("data").EnumerateArray().ToList();
        var descending = await client.GetJsonAsync($"v1/responses/{id}/input_items");

        Assert.Equal(["system", "user"], items.Select(i => i.GetProperty("role").GetString()));
        Assert.All(items, i => Assert.StartsWith("msg_", i.GetProperty("id").GetString(), StringComparison.Ordinal));
        Assert.Equal(["first", "第二"], items[1].GetProperty("content").EnumerateArray().Select(c => c.GetProperty("text").GetString()));
        Assert.Equal("user", descending.GetProperty("data")[0].GetProperty("role").GetString());
        Assert.False(ascending.GetProperty("has_more").GetBoolean());
    }
}
