using System.Text.Json;
using System.Text.Json.Serialization;
using Resumable.Core.Responses;

namespace Resumable.Core.Persistence;

/// <summary>The payload of a <see cref="WalRecordKind.Created"/> record: what recovery needs beyond the events.</summary>
/// <param name="Tenant">The owning tenant.</param>
/// <param name="CreatedAtMs">Admission time, Unix milliseconds.</param>
/// <param name="ItemId">The output message item id.</param>
/// <param name="Request">The validated request (input items with their ids, metadata, settings).</param>
public sealed record CreatedRecord(string Tenant, long CreatedAtMs, string ItemId, ResponseRequest Request)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The payload bytes (UTF-8 JSON). Written once per response, off the per-event path.</summary>
    public byte[] Serialize() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Reads a payload written by <see cref="Serialize"/>.</summary>
    public static CreatedRecord Deserialize(ReadOnlySpan<byte> payload) =>
        JsonSerializer.Deserialize<CreatedRecord>(payload, Options) ?? throw new JsonException("Empty created record.");
}
