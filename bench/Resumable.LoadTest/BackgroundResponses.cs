using System.Net.Http.Json;
using System.Text.Json;

namespace Resumable.LoadTest;

/// <summary>Creates background responses of the synthetic model (not streamed) for the scenarios that read them later.</summary>
internal static class BackgroundResponses
{
    /// <summary>Creates one and returns its id.</summary>
    public static async Task<string> CreateAsync(HttpClient client, string input, Dictionary<string, string> metadata)
    {
        using var created = await client.PostAsJsonAsync("v1/responses", new { model = "synthetic", input, background = true, metadata });
        created.EnsureSuccessStatusCode();
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }
}
