using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task DeleteMessagesBefore_RemovesOldMessagesWithTheirDeliveriesAndAttempts_AndNothingNewer()
    {
        var app = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(app.Id);
        var (delivered, _) = await SendAsync(app.Id, T0);
        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Success, 200, EndpointHealth.Succeeded));
        var (waiting, _) = await SendAsync(app.Id, T0.AddSeconds(1));
        var (recent, _) = await SendAsync(app.Id, T0.AddMinutes(10));

        var batch = await Store.DeleteMessagesBeforeAsync(T0.AddMinutes(1), 1000, Ct);

        Assert.Equal(new RetentionBatch(Messages: 2, Deliveries: 2, Attempts: 1, Undelivered: 1), batch);
        Assert.Null(await Store.GetMessageAsync(app.Id, delivered.Id, Ct));
        Assert.Null(await Store.GetMessageAsync(app.Id, waiting.Id, Ct));
        Assert.Equal([recent.Id], (await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data.Select(m => m.Id));
        Assert.Empty((await Store.ListAttemptsAsync(app.Id, Attempts(), Ct)).Data);
        Assert.Equal(T0.AddMinutes(10), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var due = await ClaimOneAsync(T0.AddMinutes(11));
        Assert.Equal((recent.Id, endpoint.Id), (due.MsgId, due.EndpointId));
        Assert.Equal(RetentionBatch.None, await Store.DeleteMessagesBeforeAsync(T0.AddMinutes(1), 1000, Ct));
    }

    [Fact]
    public async Task DeleteMessagesBefore_TakesTheOldestFirst_AtMostTheBatchSize()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        var sent = new List<string>();
        foreach (int i in new[] { 4, 0, 3, 1, 2 }) // ids are not created in time order
        {
            sent.Add((await SendAsync(app.Id, T0.AddSeconds(i * 10))).Message.Id);
        }
        var before = T0.AddSeconds(35); // the messages at 0, 10, 20 and 30 s

        Assert.Equal(2, (await Store.DeleteMessagesBeforeAsync(before, 2, Ct)).Messages);
        var left = (await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data.Select(m => m.CreatedAt).Order().ToList();
        Assert.Equal([T0.AddSeconds(20), T0.AddSeconds(30), T0.AddSeconds(40)], left);

        Assert.Equal(2, (await Store.DeleteMessagesBeforeAsync(before, 2, Ct)).Messages);
        Assert.Equal(0, (await Store.DeleteMessagesBeforeAsync(before, 2, Ct)).Messages);
        Assert.Equal([T0.AddSeconds(40)], (await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data.Select(m => m.CreatedAt));
        Assert.Equal(5, sent.Distinct().Count());
    }

    [Fact]
    public async Task DeleteMessagesBefore_ADeliveryBeingSent_IsDeleted_AndItsLateResultStoresNothing()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        await SendAsync(app.Id, T0);
        var inFlight = await ClaimOneAsync(T0);

        var batch = await Store.DeleteMessagesBeforeAsync(T0.AddMinutes(1), 1000, Ct);
        await RecordAsync(Result(inFlight, T0.AddSeconds(1), DeliveryStatus.Success, 200, EndpointHealth.Succeeded));

        Assert.Equal(new RetentionBatch(1, 1, 0, Undelivered: 1), batch);
        Assert.Empty((await Store.ListAttemptsAsync(app.Id, Attempts(), Ct)).Data);
        Assert.Empty((await Store.ListMessagesAsync(app.Id, Messages(), Ct)).Data);
        Assert.Null(await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
    }
}
