using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Resumable.Server.Endpoints;

/// <summary>
/// Reads one query parameter straight from the query string, as <c>Request.Query[name]</c> does (names compared
/// case-insensitively, a repeated name giving several values), without building the request's query collection:
/// a streaming request keeps everything built for it for as long as the stream stays open.
/// </summary>
internal static class QueryParameter
{
    public static StringValues Get(HttpRequest request, string name)
    {
        var values = StringValues.Empty;
        foreach (var pair in new QueryStringEnumerable(request.QueryString.Value))
        {
            if (pair.DecodeName().Span.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                values = StringValues.Concat(values, pair.DecodeValue().ToString());
            }
        }

        return values;
    }
}
