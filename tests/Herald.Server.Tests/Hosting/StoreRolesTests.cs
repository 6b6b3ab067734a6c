using Herald.Delivery.Dispatching;
using Herald.Server.Tests.Infrastructure;
using Herald.Storage;
using Herald.Storage.Queue;
using Herald.Testing;

namespace Herald.Server.Tests.Hosting;

/// <summary>The host registers its one store under every role, and each database's capabilities as it has them.</summary>
public sealed class StoreRolesTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Every_role_is_the_one_store_and_capabilities_follow_the_database(string provider)
    {
        string? database = provider == "postgres" ? await PostgresServer.CreateDatabaseAsync("roles") : null;
        try
        {
            var host = await HeraldHost.StartAsync(database is null ? null : new() { ["Herald:Storage:Provider"] = "postgres", ["Herald:Storage:ConnectionString"] = database });
            var store = host.Services.GetRequiredService<IHeraldStore>();
            try
            {
                AssertRoles(host.Services, store, provider);
            }
            finally
            {
                // The container disposes the store once per role it handed out; the store takes that in its stride.
                await host.DisposeAsync();
            }
            await store.DisposeAsync();
        }
        finally
        {
            if (database is not null)
            {
                await PostgresServer.DropDatabaseAsync(database);
            }
        }
    }

    private static void AssertRoles(IServiceProvider services, IHeraldStore store, string provider)
    {
        object[] roles =
        [
            services.GetRequiredService<IStoreHealth>(), services.GetRequiredService<IApplicationStore>(),
            services.GetRequiredService<IEventTypeStore>(), services.GetRequiredService<IEndpointStore>(),
            services.GetRequiredService<IMessageStore>(), services.GetRequiredService<IAttemptStore>(),
            services.GetRequiredService<IResourceStore>(), services.GetRequiredService<IDeliveryQueue>(),
            services.GetRequiredService<IStoreMaintenance>(), services.GetRequiredService<IIdempotencyStore>(),
            services.GetRequiredService<ISettingsStore>(), services.GetRequiredService<IClusterLock>(),
        ];
        Assert.All(roles, role => Assert.Same(store, role));
        Assert.Same(services.GetRequiredService<Dispatcher>(), services.GetRequiredService<IDeliveryHandoff>());

        var wakeups = services.GetRequiredService<IStoreWakeups>();
        if (provider == "postgres")
        {
            Assert.Same(store, wakeups);
            Assert.IsAssignableFrom<IClusterBroadcast>(store);
            Assert.IsNotAssignableFrom<ILocalDatabaseFile>(store);
        }
        else
        {
            Assert.NotSame(store, wakeups);
            Assert.True(wakeups.ListenAsync(() => { }, null, CancellationToken.None).IsCompletedSuccessfully, "SQLite has no other nodes to listen to.");
            Assert.IsNotAssignableFrom<IClusterBroadcast>(store);
            Assert.IsAssignableFrom<ILocalDatabaseFile>(store);
        }
    }
}
