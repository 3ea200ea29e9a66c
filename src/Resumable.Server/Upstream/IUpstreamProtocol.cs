using Resumable.Core.Responses;

namespace Resumable.Server.Upstream;

/// <summary>How one streaming protocol of OpenAI-compatible servers is spoken: the request, and each event of the answer.</summary>
internal interface IUpstreamProtocol
{
    /// <summary>The path under the model's <c>BaseUrl</c>, e.g. <c>/chat/completions</c>.</summary>
    string Path { get; }

    /// <summary>The JSON body of the streaming request for <paramref name="request"/>.</summary>
    byte[] WriteRequest(ResponseRequest request, string upstreamModel);

    /// <summary>
    /// Reads one <c>data:</c> payload, its text decoded by <paramref name="decoder"/> (the stream's own); throws
    /// <see cref="System.Text.Json.JsonException"/> when it is not JSON.
    /// </summary>
    UpstreamChunk Parse(ReadOnlyMemory<byte> data, UpstreamText decoder);
}
