using System.Text;
using Resumable.Core.Events;

namespace Resumable.Core.Tests.Events;

public class Utf8ChunkDecoderTests
{
    [Theory]
    [InlineData("日志")]
    [InlineData("🚀")]
    [InlineData("👩‍💻 naïve Grüße 数据 🇯🇵")]
    public void Decode_EverySplitOfMultiByteText_NeverEmitsABrokenCharacter(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var split = 0; split <= bytes.Length; split++)
        {
            for (var second = split; second <= bytes.Length; second++)
            {
                var decoder = new Utf8ChunkDecoder();
                var pieces = new[]
                {
                    decoder.Decode(bytes.AsSpan(0, split)),
                    decoder.Decode(bytes.AsSpan(split, second - split)),
                    decoder.Decode(bytes.AsSpan(second)),
                    decoder.Flush(),
                };

                foreach (var piece in pieces)
                {
                    Assert.DoesNotContain('\uFFFD', piece);
                    Assert.False(piece.Length > 0 && char.IsHighSurrogate(piece[^1]), $"piece ends in a lone high surrogate (split {split}/{second})");
                    Assert.False(piece.Length > 0 && char.IsLowSurrogate(piece[0]), $"piece starts with a lone low surrogate (split {split}/{second})");
                }

                Assert.Equal(text, string.Concat(pieces));
            }
        }
    }

    [Fact]
    public void Flush_IncompleteTrailingSequence_BecomesReplacementCharacter()
    {
        var decoder = new Utf8ChunkDecoder();
        var partial = Encoding.UTF8.GetBytes("ok 🚀").AsSpan(0, 5);

        Assert.Equal("ok ", decoder.Decode(partial));
        Assert.Equal("\uFFFD", decoder.Flush());
    }
}
