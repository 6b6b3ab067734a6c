using System.Globalization;
using Herald.Storage;

namespace Herald.Server.Api;

internal static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 250;

    /// <summary>Reads <c>limit</c>, <c>iterator</c> and <c>order</c> from the query string.</summary>
    public static PageRequest From(HttpContext context, bool descendingByDefault)
    {
        var query = context.Request.Query;
        int limit = DefaultLimit;
        if (query.TryGetValue("limit", out var rawLimit) && !string.IsNullOrEmpty(rawLimit))
        {
            if (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > MaxLimit)
            {
                throw QueryError("limit", $"must be a whole number from 1 to {MaxLimit}");
            }
        }
        string? iterator = query["iterator"];
        if (iterator is { Length: > 300 })
        {
            throw QueryError("iterator", "is not an iterator returned by this API");
        }
        bool descending = descendingByDefault;
        switch (query["order"].ToString())
        {
            case "":
                break;
            case "ascending":
                descending = false;
                break;
            case "descending":
                descending = true;
                break;
            default:
                throw QueryError("order", "must be 'ascending' or 'descending'");
        }
        return new PageRequest(limit, string.IsNullOrEmpty(iterator) ? null : iterator, descending);
    }

    public static DateTimeOffset? Time(HttpContext context, string name)
    {
        string? raw = context.Request.Query[name];
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }
        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw QueryError(name, "must be an RFC 3339 date-time");
    }

    public static bool Flag(HttpContext context, string name, bool fallback)
    {
        string? raw = context.Request.Query[name];
        return string.IsNullOrEmpty(raw) ? fallback : bool.TryParse(raw, out var value) ? value : throw QueryError(name, "must be true or false");
    }

    public static ListResponse<TOut> Map<T, TOut>(Page<T> page, Func<T, TOut> map) =>
        new(page.Data.Select(map).ToList(), page.Iterator, page.PrevIterator, page.Done);

    public static ValidationFailedException QueryError(string name, string message) =>
        new([new ValidationErrorItem(["query", name], message, "value_error")]);
}
