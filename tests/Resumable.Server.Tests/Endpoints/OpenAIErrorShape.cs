using System.Net;
using System.Text.Json;

namespace Resumable.Server.Tests.Endpoints;

/// <summary>Checks answers against the OpenAI error shape, <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAIErrorShape
{
    /// <summary>What is wrong with <paramref name="body"/> as an OpenAI error, or null when it has the shape.</summary>
    public static string? Problem(string body)
    {
        JsonElement error;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var found))
            {
                return "no 'error' object";
            }

            error = found.Clone();
        }
        catch (JsonException ex)
        {
            return $"not JSON ({ex.Message})";
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return "'error' is not an object";
        }

        if (!error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(message.GetString()))
        {
            return "'error.message' is not a non-empty string";
        }

        if (!error.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(type.GetString()))
        {
            return "'error.type' is not a non-empty string";
        }

        foreach (var name in (string[])["param", "code"])
        {
            if (!error.TryGetProperty(name, out var value) || value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return $"'error.{name}' is missing or neither a string nor null";
            }
        }

        return null;
    }

    /// <summary>Asserts the status, a JSON content type and the shape, and returns the <c>error</c> object.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(Problem(text) is null, $"{Problem(text)}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("error").Clone();
    }

    /// <summary>Asserts a 400 in the error shape naming <paramref name="param"/> with <paramref name="code"/>.</summary>
    public static async Task<JsonElement> AssertBadRequestAsync(HttpResponseMessage response, string? param, string? code = null)
    {
        var error = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }

        return error;
    }
}
