using System.Text;
using System.Text.Json;
using Resumable.Core.Events;

namespace Resumable.Core.Tests.Events;

public class SseFrameEncoderTests
{
    [Fact]
    public void Encode_WritesIdEventAndOneDataLineWhoseTypeMatches()
    {
        var encoder = SseFrameEncoder.ForCurrentThread;
        var writer = encoder.Begin(42, ResponseEventTypes.OutputTextDelta);
        writer.WriteString("delta", "line one\nline two 日志 🚀");
        var text = Encoding.UTF8.GetString(encoder.Finish());

        Assert.StartsWith("id: 42\nevent: response.output_text.delta\ndata: {", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", text, StringComparison.Ordinal);
        var lines = text[..^2].Split('\n');
        Assert.Equal(3, lines.Length);
        using var data = JsonDocument.Parse(lines[2]["data: ".Length..]);
        Assert.Equal("response.output_text.delta", data.RootElement.GetProperty("type").GetString());
        Assert.Equal(42, data.RootElement.GetProperty("sequence_number").GetInt64());
        Assert.Equal("line one\nline two 日志 🚀", data.RootElement.GetProperty("delta").GetString());
    }

    [Fact]
    public void Encode_ReusedEncoder_ProducesIndependentExactSizeArrays()
    {
        var encoder = SseFrameEncoder.ForCurrentThread;
        encoder.Begin(0, ResponseEventTypes.Created);
        var first = encoder.Finish();
        var firstCopy = first.ToArray();
        var writer = encoder.Begin(1, ResponseEventTypes.OutputTextDelta);
        writer.WriteString("delta", new string('x', 5000));
        var second = encoder.Finish();

        Assert.Equal(firstCopy, first);
        Assert.Equal((byte)'\n', second[^1]);
        Assert.True(second.Length > 5000);
    }
}
