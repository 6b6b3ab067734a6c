using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Client.Http;

internal sealed partial class ApiTransport
{
    /// <summary>Every item of a list, page after page, following <c>iterator</c> until the server says <c>done</c>.</summary>
    public async IAsyncEnumerable<T> ListAsync<T>(string path, QueryString query, ListOptions? options, JsonTypeInfo<ListResponse<T>> output, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (options?.Limit is { } limit)
        {
            query.Add("limit", limit);
        }
        if (options?.Order is { } order)
        {
            query.Add("order", order == ListOrder.Ascending ? "ascending" : "descending");
        }
        string? iterator = options?.Iterator;
        while (true)
        {
            var page = await GetAsync(path + query.With("iterator", iterator), output, cancellationToken);
            foreach (var item in page.Data)
            {
                yield return item;
            }
            // A server that repeats the iterator it was given (or drops it) would loop forever: stop instead.
            if (page.Done || string.IsNullOrEmpty(page.Iterator) || page.Iterator == iterator)
            {
                yield break;
            }
            iterator = page.Iterator;
        }
    }
}
