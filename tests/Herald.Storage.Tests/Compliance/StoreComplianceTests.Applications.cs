using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Application_IsFoundByIdAndByUid_WithEveryField()
    {
        var app = await CreateAppAsync(uid: "corner-shop");

        foreach (var key in new[] { app.Id, "corner-shop" })
        {
            var found = await Store.GetApplicationAsync(key, Ct);
            Assert.NotNull(found);
            Assert.Equal((app.Id, app.Uid, app.Name, app.ThrottleRate, app.CreatedAt), (found.Id, found.Uid, found.Name, found.ThrottleRate, found.CreatedAt));
            Assert.Equal("gold", found.Metadata["tier"]);
        }
        Assert.Null(await Store.GetApplicationAsync("app_unknown", Ct));
    }

    [Fact]
    public async Task Application_UidConflict_ThrowsDuplicate_OnCreateAndUpdate()
    {
        await CreateAppAsync(uid: "taken");
        var other = await CreateAppAsync(uid: "free");
        await CreateAppAsync(); // several apps without uid are fine
        await CreateAppAsync();

        await Assert.ThrowsAsync<DuplicateException>(() => CreateAppAsync(uid: "taken"));
        await Assert.ThrowsAsync<DuplicateException>(() => Store.UpdateApplicationAsync(other with { Uid = "taken" }, Ct));
        Assert.Equal(other.Id, (await Store.GetApplicationAsync("free", Ct))?.Id);
    }

    [Fact]
    public async Task Application_Update_ReplacesFields()
    {
        var app = await CreateAppAsync(uid: "old");
        Assert.Equal("Corner Shop", (await Store.GetApplicationAsync("old", Ct))?.Name); // read before: a cached copy must not survive the update
        Assert.Equal("Corner Shop", (await Store.GetApplicationAsync(app.Id, Ct))?.Name);
        var later = T0.AddHours(1);
        await Store.UpdateApplicationAsync(app with
        {
            Uid = "new", Name = "Big Shop", ThrottleRate = null, Metadata = new Dictionary<string, string> { ["tier"] = "silver" }, UpdatedAt = later,
        }, Ct);

        var found = await Store.GetApplicationAsync("new", Ct);
        Assert.NotNull(found);
        Assert.Equal(("Big Shop", (int?)null, "silver", later), (found.Name, found.ThrottleRate, found.Metadata["tier"], found.UpdatedAt));
        Assert.Null(await Store.GetApplicationAsync("old", Ct));
        Assert.Equal("Big Shop", (await Store.GetApplicationAsync(app.Id, Ct))?.Name);
    }

    [Fact]
    public async Task Application_Delete_RemovesItsEndpointsMessagesDeliveriesAndAttempts_Only()
    {
        var doomed = await CreateAppAsync();
        var endpoint = await CreateEndpointAsync(doomed.Id);
        var (message, _) = await SendAsync(doomed.Id);
        await RecordAsync(Result(await ClaimOneAsync(T0), T0, DeliveryStatus.Pending, 500, EndpointHealth.Failed, T0.AddMinutes(1)));
        var kept = await CreateAppAsync();
        var keptEndpoint = await CreateEndpointAsync(kept.Id);
        var (keptMessage, _) = await SendAsync(kept.Id, T0.AddSeconds(5));

        Assert.NotNull(await Store.GetApplicationAsync(doomed.Id, Ct));
        Assert.True(await Store.DeleteApplicationAsync(doomed.Id, Ct));

        Assert.Null(await Store.GetApplicationAsync(doomed.Id, Ct));
        Assert.Null(await Store.GetEndpointAsync(doomed.Id, endpoint.Id, Ct));
        Assert.Null(await Store.GetMessageAsync(doomed.Id, message.Id, Ct));
        Assert.Empty((await Store.ListAttemptsAsync(doomed.Id, Attempts(), Ct)).Data);
        Assert.Equal(T0.AddSeconds(5), await Store.NextDueAtAsync(DateTimeOffset.MinValue, Ct));
        var due = await ClaimOneAsync(T0.AddMinutes(5));
        Assert.Equal((keptMessage.Id, keptEndpoint.Id), (due.MsgId, due.EndpointId));
        Assert.False(await Store.DeleteApplicationAsync(doomed.Id, Ct));
    }

    [Fact]
    public async Task EventType_CreateUpdateArchiveAndExpunge()
    {
        var type = new EventType { Name = Paid, Description = "An invoice was paid", SchemasJson = """{"1":{}}""", CreatedAt = T0, UpdatedAt = T0 };
        await Store.CreateEventTypeAsync(type, Ct);
        await Store.CreateEventTypeAsync(new EventType { Name = "invoice.voided", CreatedAt = T0, UpdatedAt = T0 }, Ct);
        await Assert.ThrowsAsync<DuplicateException>(() => Store.CreateEventTypeAsync(type, Ct));

        await Store.UpdateEventTypeAsync(type with { Description = "Paid", Deprecated = true, FeatureFlag = "beta", UpdatedAt = T0.AddHours(1) }, Ct);
        var updated = await Store.GetEventTypeAsync(Paid, Ct);
        Assert.NotNull(updated);
        Assert.Equal(("Paid", true, "beta", """{"1":{}}""", false), (updated.Description, updated.Deprecated, updated.FeatureFlag, updated.SchemasJson, updated.Archived));

        Assert.True(await Store.DeleteEventTypeAsync(Paid, expunge: false, T0.AddHours(2), Ct));
        Assert.True((await Store.GetEventTypeAsync(Paid, Ct))?.Archived);
        Assert.Equal(["invoice.voided"], (await Store.ListEventTypesAsync(new PageRequest(10), includeArchived: false, Ct)).Data.Select(e => e.Name));
        Assert.Equal([Paid, "invoice.voided"], (await Store.ListEventTypesAsync(new PageRequest(10), includeArchived: true, Ct)).Data.Select(e => e.Name));

        Assert.True(await Store.DeleteEventTypeAsync(Paid, expunge: true, T0.AddHours(3), Ct));
        Assert.Null(await Store.GetEventTypeAsync(Paid, Ct));
        Assert.False(await Store.DeleteEventTypeAsync("unknown.type", expunge: true, T0, Ct));
    }

    [Fact]
    public async Task Expire_DropsPastPayloadsAndOldIdempotencyRecords()
    {
        var app = await CreateAppAsync();
        var (expiring, _) = await SendAsync(app.Id, payloadExpiresAt: T0.AddDays(1));
        var (lasting, _) = await SendAsync(app.Id, T0.AddSeconds(1), payloadExpiresAt: T0.AddDays(30));
        await CompleteAsync("old", T0);
        await CompleteAsync("new", T0.AddDays(2));

        int changed = await Store.ExpireAsync(T0.AddDays(2), idempotencyBefore: T0.AddDays(1), Ct);

        Assert.Equal(2, changed);
        Assert.Null((await Store.GetMessageAsync(app.Id, expiring.Id, Ct))?.Payload);
        Assert.Equal(Payload, (await Store.GetMessageAsync(app.Id, lasting.Id, Ct))?.Payload);
        Assert.Equal(IdempotencyClaimState.Claimed, (await ClaimKeyAsync("old", "h", T0.AddDays(2), notBefore: T0.AddDays(-1))).State);
        Assert.Equal(IdempotencyClaimState.Completed, (await ClaimKeyAsync("new", "h", T0.AddDays(2), notBefore: T0.AddDays(-1))).State);
    }

    [Fact]
    public async Task Setting_SetIfAbsent_KeepsTheFirstValue()
    {
        Assert.Null(await Store.GetSettingAsync("signing.key", Ct));
        Assert.Equal("first", await Store.SetSettingIfAbsentAsync("signing.key", "first", Ct));
        Assert.Equal("first", await Store.SetSettingIfAbsentAsync("signing.key", "second", Ct));
        Assert.Equal("first", await Store.GetSettingAsync("signing.key", Ct));
    }
}
