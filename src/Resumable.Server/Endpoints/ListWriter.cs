using System.Buffers;
using System.Text.Json;
using Resumable.Core.Events;

namespace Resumable.Server.Endpoints;

/// <summary>Writes OpenAI's list shape: <c>{"object":"list","data":[…],"first_id","last_id","has_more"}</c>.</summary>
internal static class ListWriter
{
    public static byte[] Write<T>(List<T> items, bool hasMore, Action<Utf8JsonWriter, T> writeItem, Func<T, string> idOf)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, SseFrameEncoder.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var item in items)
            {
                writeItem(writer, item);
            }

            writer.WriteEndArray();
            WriteId(writer, "first_id"u8, items.Count > 0 ? idOf(items[0]) : null);
            WriteId(writer, "last_id"u8, items.Count > 0 ? idOf(items[^1]) : null);
            writer.WriteBoolean("has_more"u8, hasMore);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteId(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? id)
    {
        if (id is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, id);
        }
    }
}
