using System.Collections;

namespace Resumable.Server.Hosting;

/// <summary>The logging scope of one request: a single property, <c>XRequestId</c>, printed as <c>x-request-id:…</c>.</summary>
internal sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    /// <summary>The scope's property name.</summary>
    public const string PropertyName = "XRequestId";

    /// <summary>The request's id.</summary>
    public string RequestId => requestId;

    /// <inheritdoc />
    public int Count => 1;

    /// <inheritdoc />
    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new(PropertyName, requestId) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => $"{RequestIds.Header}:{requestId}";
}
