using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Pagination_WalksEveryItemOnce_InBothDirections()
    {
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            ids.Add((await CreateAppAsync()).Id);
        }

        var ascending = await WalkAsync(p => Store.ListApplicationsAsync(p, Ct), a => a.Id, descending: false);
        var descending = await WalkAsync(p => Store.ListApplicationsAsync(p, Ct), a => a.Id, descending: true);

        Assert.Equal(ids.Order(StringComparer.Ordinal), ascending);
        Assert.Equal(ids.Order(StringComparer.Ordinal).Reverse(), descending);
    }

    [Fact]
    public async Task Pagination_ReportsDoneOnTheLastPage_AndAnEmptyPageAfterIt()
    {
        for (int i = 0; i < 6; i++)
        {
            await CreateAppAsync();
        }

        var first = await Store.ListApplicationsAsync(new PageRequest(3), Ct);
        var second = await Store.ListApplicationsAsync(new PageRequest(3, first.Iterator), Ct);
        var after = await Store.ListApplicationsAsync(new PageRequest(3, second.Iterator), Ct);
        var back = await Store.ListApplicationsAsync(new PageRequest(3, second.PrevIterator), Ct);

        Assert.Equal((3, false, 3, true, 0, true), (first.Data.Count, first.Done, second.Data.Count, second.Done, after.Data.Count, after.Done));
        Assert.Equal(first.Data[^1].Id, first.Iterator);
        Assert.Equal("-" + second.Data[0].Id, second.PrevIterator);
        Assert.Equal(first.Data.Select(a => a.Id), back.Data.Select(a => a.Id)); // the page before, in the same order
        Assert.True(back.Done); // nothing before the first page
        Assert.Equal(second.Data.Select(a => a.Id), (await Store.ListApplicationsAsync(new PageRequest(3, back.Iterator), Ct)).Data.Select(a => a.Id));
    }

    [Fact]
    public async Task Pagination_PrevIterator_WalksBackInEitherOrder()
    {
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            ids.Add((await CreateAppAsync()).Id);
        }
        foreach (bool descending in new[] { false, true })
        {
            // Forward to the end, then back with each page's prevIterator: every page comes back, in listing order.
            var pages = new List<IReadOnlyList<string>>();
            var page = await Store.ListApplicationsAsync(new PageRequest(3, Descending: descending), Ct);
            pages.Add(page.Data.Select(a => a.Id).ToList());
            while (!page.Done)
            {
                page = await Store.ListApplicationsAsync(new PageRequest(3, page.Iterator, descending), Ct);
                pages.Add(page.Data.Select(a => a.Id).ToList());
            }
            var listed = pages.SelectMany(p => p).ToList();
            Assert.Equal(descending ? ids.Order(StringComparer.Ordinal).Reverse() : ids.Order(StringComparer.Ordinal), listed);

            for (int i = pages.Count - 1; i > 0; i--)
            {
                page = await Store.ListApplicationsAsync(new PageRequest(3, page.PrevIterator, descending), Ct);
                Assert.Equal(pages[i - 1], page.Data.Select(a => a.Id));
                Assert.Equal(i == 1, page.Done);
            }
        }
    }

    [Fact]
    public async Task Pagination_OrdersIdsByTheirBytes_WhateverTheDatabaseCollation()
    {
        foreach (var id in new[] { "app_b1", "app_B1", "app_a1", "app_C1", "app_11" })
        {
            await CreateAppAsync(id: id);
        }

        var listed = await WalkAsync(p => Store.ListApplicationsAsync(p, Ct), a => a.Id, descending: false, limit: 2);

        Assert.Equal(["app_11", "app_B1", "app_C1", "app_a1", "app_b1"], listed);
    }

    [Fact]
    public async Task Pagination_OfEndpointsMessagesAttemptsAndEventTypes_StaysWithinTheApp()
    {
        var app = await CreateAppAsync();
        var noise = await CreateAppAsync();
        var endpoints = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            endpoints.Add((await CreateEndpointAsync(app.Id)).Id);
            await CreateEndpointAsync(noise.Id);
        }
        var messages = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            messages.Add((await SendAsync(app.Id, T0.AddSeconds(i))).Message.Id);
            await SendAsync(noise.Id, T0.AddSeconds(i));
        }
        var claimed = await ClaimAsync(T0.AddMinutes(1), max: 100);
        await RecordAsync(claimed.Select(d => Result(d, T0.AddMinutes(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded)).ToArray());
        foreach (var name in new[] { "b.two", "a.one", "c.three" })
        {
            await Store.CreateEventTypeAsync(new EventType { Name = name, CreatedAt = T0, UpdatedAt = T0 }, Ct);
        }

        Assert.Equal(endpoints.Order(StringComparer.Ordinal), await WalkAsync(p => Store.ListEndpointsAsync(app.Id, p, Ct), e => e.Id, false));
        Assert.Equal(messages.AsEnumerable().Reverse(), await WalkAsync(p => Store.ListMessagesAsync(app.Id, Messages() with { Page = p }, Ct), m => m.Id, true));
        var attempts = await WalkAsync(p => Store.ListAttemptsAsync(app.Id, Attempts() with { Page = p }, Ct), a => a.Id, true);
        Assert.Equal(20, attempts.Count);
        Assert.Equal(attempts.Order(StringComparer.Ordinal).Reverse(), attempts);
        Assert.Equal(["a.one", "b.two", "c.three"], await WalkAsync(p => Store.ListEventTypesAsync(p, false, Ct), e => e.Name, false));
        Assert.Equal(messages, await WalkAsync(p => Store.ListEndpointMessagesAsync(app.Id, endpoints[0], Messages() with { Page = p }, Ct), m => m.Message.Id, false));
    }

    /// <summary>Follows the iterator page by page (2 items each) until done, checking that no page repeats an item.</summary>
    private static async Task<List<string>> WalkAsync<T>(Func<PageRequest, Task<Page<T>>> list, Func<T, string> key, bool descending, int limit = 2)
    {
        var seen = new List<string>();
        string? iterator = null;
        for (int pages = 0; pages < 100; pages++)
        {
            var page = await list(new PageRequest(limit, iterator, descending));
            Assert.True(page.Data.Count <= limit);
            seen.AddRange(page.Data.Select(key));
            if (page.Done)
            {
                Assert.Equal(seen.Count, seen.Distinct().Count());
                return seen;
            }
            Assert.Equal(limit, page.Data.Count);
            iterator = page.Iterator;
        }
        throw new InvalidOperationException("The pages never reported done.");
    }
}
