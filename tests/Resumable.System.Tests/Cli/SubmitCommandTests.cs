using Resumable.Testing;

namespace Resumable.System.Tests.Cli;

/// <summary><c>resumable submit</c> against a real server: the streamed text and the background id.</summary>
public class SubmitCommandTests(CliServer server) : IClassFixture<CliServer>
{
    [Fact]
    public async Task Submit_StreamsTheWholeTextOfTheResponse_AndExitsZero()
    {
        var result = await server.RunAsync("submit", "Tell the command line about rivers", "--tokens", "60", "--tokens-per-second", "0");

        Assert.True(result.ExitCode == 0, result.ToString());

        // The only foreground response of this server is the one just submitted; its stored text is what was streamed.
        var list = await server.Tenant.GetJsonAsync("v1/responses?limit=100");
        var foreground = list.GetProperty("data").EnumerateArray().Where(r => !r.GetProperty("background").GetBoolean()).ToList();
        var id = Assert.Single(foreground).GetProperty("id").GetString()!;
        var response = await server.Tenant.GetJsonAsync($"v1/responses/{id}");
        Assert.Equal("completed", response.GetProperty("status").GetString());
        var text = ResponsesApi.OutputText(response);
        Assert.NotEmpty(text);
        Assert.Equal(text + "\n", result.StdOut);
    }

    [Fact]
    public async Task Submit_Background_PrintsOnlyTheIdOfAResponseThatExists()
    {
        var result = await server.RunAsync("submit", "--background", "--tokens", "5", "A background job from the command line");

        Assert.True(result.ExitCode == 0, result.ToString());
        var id = result.StdOut.TrimEnd('\n');
        Assert.Matches("^resp_[0-9a-f]+$", id);
        var response = await server.Tenant.GetJsonAsync($"v1/responses/{id}");
        Assert.True(response.GetProperty("background").GetBoolean());
        await server.Tenant.WaitForTerminalAsync(id);
    }

    [Fact]
    public async Task Submit_PromptFromStandardInput_IsTheResponsesInput()
    {
        var result = await CliProcess.RunAsync(["submit", "--background", "--tokens", "5"], server.Environment, stdin: "A prompt piped in");

        Assert.True(result.ExitCode == 0, result.ToString());
        var id = result.StdOut.TrimEnd('\n');
        var items = await server.Tenant.GetJsonAsync($"v1/responses/{id}/input_items");
        Assert.Contains("A prompt piped in", items.GetRawText(), StringComparison.Ordinal);
    }
}
