using Herald.Model;

namespace Herald.Storage.Tests.Compliance;

// Claims share a node's capacity between applications and keep retries to their room.
public abstract partial class StoreComplianceTests
{
    protected Task<IReadOnlyList<DueDelivery>> ClaimAsync(DateTimeOffset now, int max, ClaimLimits limits) =>
        Store.ClaimDueAsync(now, Lease, max, limits, Ct);

    /// <summary>Makes the claimed deliveries retries: one failed attempt each, due again at <paramref name="dueAt"/>.</summary>
    private async Task FailOnceAsync(IReadOnlyList<DueDelivery> claimed, DateTimeOffset dueAt) =>
        await RecordAsync(claimed.Select(d => Result(d, T0, DeliveryStatus.Pending, 500, EndpointHealth.Untouched, dueAt)).ToArray());

    [Fact]
    public async Task ClaimDue_TakesAnotherApplicationsFreshMessage_BehindAThousandOlderDeliveriesOfOne()
    {
        var noisy = await CreateAppAsync();
        for (int i = 0; i < 4; i++)
        {
            await CreateEndpointAsync(noisy.Id);
        }
        var oldest = new List<string>();
        for (int i = 0; i < 250; i++)
        {
            var (message, _) = await SendAsync(noisy.Id, T0.AddMilliseconds(i)); // 1,000 deliveries, all older
            if (i < 2)
            {
                oldest.Add(message.Id);
            }
        }
        var shop = await CreateAppAsync();
        await CreateEndpointAsync(shop.Id);
        var (paid, _) = await SendAsync(shop.Id, T0.AddMinutes(1));

        var claimed = await ClaimAsync(T0.AddMinutes(2), max: 8);

        Assert.Equal(8, claimed.Count);
        Assert.Contains(claimed, d => d.MsgId == paid.Id);
        Assert.Equal(7, claimed.Count(d => d.AppId == noisy.Id)); // the rest goes to the application that has more
        Assert.All(claimed.Where(d => d.AppId == noisy.Id), d => Assert.Contains(d.MsgId, oldest)); // its oldest first
    }

    [Fact]
    public async Task ClaimDue_RotatesBetweenApplications_WhenTheClaimIsSmallerThanTheirNumber()
    {
        var apps = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            var app = await CreateAppAsync();
            await CreateEndpointAsync(app.Id);
            for (int m = 0; m < 5; m++)
            {
                await SendAsync(app.Id, T0.AddSeconds(m));
            }
            apps.Add(app.Id);
        }

        var turns = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            turns.Add(Assert.Single(await ClaimAsync(T0.AddMinutes(1), max: 1)).AppId);
        }

        Assert.Equal(apps.Order(StringComparer.Ordinal).Concat(apps.Order(StringComparer.Ordinal)), turns);
    }

    [Fact]
    public async Task ClaimDue_GivesEachApplicationAtMostItsRoom_AndLeavesOutThoseWithNone()
    {
        var full = await CreateAppAsync();
        await CreateEndpointAsync(full.Id);
        var some = await CreateAppAsync();
        await CreateEndpointAsync(some.Id);
        var fresh = await CreateAppAsync();
        await CreateEndpointAsync(fresh.Id);
        foreach (var app in new[] { full, some, fresh })
        {
            for (int m = 0; m < 10; m++)
            {
                await SendAsync(app.Id, T0.AddSeconds(m));
            }
        }
        var limits = new ClaimLimits { PerApp = 4, AppRoom = new Dictionary<string, int> { [full.Id] = 0, [some.Id] = 2 } };

        var claimed = await ClaimAsync(T0.AddMinutes(1), max: 100, limits);

        Assert.Equal(new Dictionary<string, int> { [some.Id] = 2, [fresh.Id] = 4 }, claimed.GroupBy(d => d.AppId).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(8, (await ClaimAsync(T0.AddMinutes(1), max: 100, limits with { AppRoom = new Dictionary<string, int>(), PerApp = null })).Count(d => d.AppId == some.Id));
    }

    [Fact]
    public async Task ClaimDue_TakesFirstAttemptsBeforeRetries_AndRetriesOnlyUpToTheirRoom()
    {
        var app = await CreateAppAsync();
        await CreateEndpointAsync(app.Id);
        for (int m = 0; m < 6; m++)
        {
            await SendAsync(app.Id, T0.AddSeconds(m));
        }
        await FailOnceAsync(await ClaimAsync(T0.AddSeconds(10)), T0.AddSeconds(20)); // six retries, due before the fresh messages
        var fresh = new List<string>();
        for (int m = 0; m < 3; m++)
        {
            fresh.Add((await SendAsync(app.Id, T0.AddSeconds(30 + m))).Message.Id);
        }
        var now = T0.AddMinutes(1);

        var claimed = await ClaimAsync(now, max: 5, new ClaimLimits { Retries = 1 });

        Assert.Equal(fresh, claimed.Where(d => d.AttemptsMade == 0).Select(d => d.MsgId));
        Assert.Single(claimed, d => d.AttemptsMade == 1);
        Assert.Empty(await ClaimAsync(now, max: 5, new ClaimLimits { Retries = 0 }));
        Assert.Equal(5, (await ClaimAsync(now, max: 10, ClaimLimits.None)).Count(d => d.AttemptsMade == 1));
    }

    [Fact]
    public async Task ClaimDue_SharedFairly_StillFencesEveryClaimWithANewLeaseToken()
    {
        var a = await CreateAppAsync();
        await CreateEndpointAsync(a.Id);
        var b = await CreateAppAsync();
        await CreateEndpointAsync(b.Id);
        await SendAsync(a.Id);
        await SendAsync(b.Id);

        var first = await ClaimAsync(T0, max: 10, new ClaimLimits { PerApp = 1 });
        var again = await ClaimAsync(T0 + Lease, max: 10, new ClaimLimits { PerApp = 1 });

        Assert.Equal(2, first.Count);
        Assert.All(again, d => Assert.True(d.LeaseToken > first.Single(f => f.DeliveryId == d.DeliveryId).LeaseToken));
        Assert.Equal(2, again.Count);
    }
}
