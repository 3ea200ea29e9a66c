using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Resumable.Server.Errors;

namespace Resumable.Server.Endpoints;

/// <summary>The pagination parameters of OpenAI list endpoints: <c>limit</c> (1–100, default 20), <c>order</c> and <c>after</c>.</summary>
/// <param name="Limit">Items per page.</param>
/// <param name="Descending">Newest first.</param>
/// <param name="After">The id after which the page starts, or null for the first page.</param>
internal sealed record ListQuery(int Limit, bool Descending, string? After)
{
    private const int DefaultLimit = 20;
    private const int MaxLimit = 100;

    /// <summary>Reads the parameters; on a bad value returns null and the 400 answer naming it.</summary>
    public static ListQuery? Parse(IQueryCollection query, bool defaultDescending, out JsonHttpResult<OpenAIErrorEnvelope>? error)
    {
        error = null;
        var limit = DefaultLimit;
        if (!StringValues.IsNullOrEmpty(query["limit"])
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit))
        {
            error = OpenAIError.BadRequest($"Invalid value for 'limit': '{query["limit"]}'. Expected an integer from 1 to {MaxLimit}.", "limit", "invalid_value");
            return null;
        }

        var descending = defaultDescending;
        var order = query["order"].ToString();
        if (order.Length > 0)
        {
            if (order is not ("asc" or "desc"))
            {
                error = OpenAIError.BadRequest($"Invalid value for 'order': '{order}'. Expected 'asc' or 'desc'.", "order", "invalid_value");
                return null;
            }

            descending = order == "desc";
        }

        var after = query["after"].ToString();
        return new ListQuery(limit, descending, after.Length == 0 ? null : after);
    }

    /// <summary>The page of <paramref name="ordered"/> after <see cref="After"/>; null when that id is not in the list.</summary>
    public (List<T> Items, bool HasMore)? Page<T>(List<T> ordered, Func<T, string> idOf)
    {
        var start = 0;
        if (After is not null)
        {
            var index = ordered.FindIndex(item => string.Equals(idOf(item), After, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            start = index + 1;
        }

        var count = Math.Min(Limit, ordered.Count - start);
        return (ordered.GetRange(start, count), start + count < ordered.Count);
    }
}
