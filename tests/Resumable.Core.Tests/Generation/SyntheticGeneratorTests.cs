using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Resumable.Core.Generation;
using Resumable.Core.Responses;
using Resumable.Testing;

namespace Resumable.Core.Tests.Generation;

public class SyntheticGeneratorTests
{
    private static ResponseRequest Request(string input, Dictionary<string, string> metadata) => new()
    {
        Model = "synthetic",
        Input = [new InputMessage("msg_1", "user", [new InputTextPart("input_text", input)])],
        Metadata = metadata,
    };

    private static async Task<List<GeneratedChunk>> GenerateAsync(ResponseRequest request)
    {
        using var provider = CorePipeline.Create();
        var generator = provider.GetServices<IGenerator>().Single(g => g.Serves("synthetic"));
        var chunks = new List<GeneratedChunk>();
        await foreach (var chunk in generator.GenerateAsync(request, CancellationToken.None))
        {
            chunks.Add(chunk with { Utf8 = chunk.Utf8.ToArray() });
        }

        return chunks;
    }

    private static string Text(IEnumerable<GeneratedChunk> chunks) => Encoding.UTF8.GetString(chunks.SelectMany(c => c.Utf8.ToArray()).ToArray());

    [Fact]
    public async Task Generate_SameInput_YieldsTheSameOutput()
    {
        var metadata = ResponsesApi.Synthetic(200);
        var first = Text(await GenerateAsync(Request("same input", metadata)));
        var second = Text(await GenerateAsync(Request("same input", metadata)));
        var other = Text(await GenerateAsync(Request("other input", metadata)));

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Generate_MultiByteTokens_AreDeliveredSplitInsideACharacter()
    {
        var chunks = await GenerateAsync(Request("utf-8 please", ResponsesApi.Synthetic(300)));

        Assert.Equal(300, chunks.Count(c => c.EndsToken));
        Assert.Contains(chunks, c => !c.EndsToken && (c.Utf8.Span[^1] & 0xC0) == 0xC0);
        var text = Text(chunks);
        Assert.Contains(text, ch => ch > 0x2E80);
        Assert.Contains(text, char.IsSurrogate);
    }

    [Fact]
    public async Task Generate_FailAtToken_ThrowsAfterExactlyThatManyTokens()
    {
        using var provider = CorePipeline.Create();
        var generator = provider.GetServices<IGenerator>().Single();
        var tokens = 0;
        var failure = await Assert.ThrowsAsync<GenerationFailedException>(async () =>
        {
            await foreach (var chunk in generator.GenerateAsync(Request("x", ResponsesApi.Synthetic(50, failAt: 7)), CancellationToken.None))
            {
                tokens += chunk.EndsToken ? 1 : 0;
            }
        });

        Assert.Equal(7, tokens);
        Assert.Equal("generator_failed", failure.Code);
    }

    [Fact]
    public void Validate_MetadataOutOfRange_NamesTheKey()
    {
        using var provider = CorePipeline.Create();
        var generator = provider.GetServices<IGenerator>().Single();
        var problem = generator.Validate(Request("x", new Dictionary<string, string> { ["synthetic_tokens_per_second"] = "fast" }));

        Assert.NotNull(problem);
        Assert.Equal("metadata.synthetic_tokens_per_second", problem.Param);
    }
}
