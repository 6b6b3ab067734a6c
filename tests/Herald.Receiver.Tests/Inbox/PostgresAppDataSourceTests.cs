using System.Net;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Herald.Receiver.Tests.Inbox;

/// <summary>
/// The PostgreSQL inbox on the app's own <see cref="NpgsqlDataSource"/>: its pool and its logging, left open for the app.
/// Needs HERALD_TEST_POSTGRES, as <see cref="PostgresInboxTests"/> does.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresAppDataSourceTests : IAsyncLifetime
{
    private readonly string _connectionString = Environment.GetEnvironmentVariable("HERALD_TEST_POSTGRES")
        ?? throw new InvalidOperationException(
            "HERALD_TEST_POSTGRES is not set. Start a private PostgreSQL with "
            + "`eval \"$(HERALD_PG_DIR=/tmp/herald-pg bash scripts/postgres.sh start)\"`, which sets it.");

    private readonly string _table = "herald_inbox_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _secret = WebhookSecret.Generate();
    private readonly HandlerProbe _probe = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table};");
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task UsePostgresInbox_without_a_connection_string_takes_the_apps_data_source_and_logs_through_it()
    {
        await using var app = await ReceiverApp.StartAsync(Settings(), builder =>
        {
            // As AddNpgsqlDataSource registers it: a singleton that logs through the app's ILoggerFactory.
            builder.Services.AddSingleton(sp => new NpgsqlDataSourceBuilder(_connectionString)
                .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
                .Build());
            builder.Services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver"))
                .UsePostgresInbox()
                .AddHandler<PaymentSucceeded, PaymentSucceededHandler>(PaymentHandlerRegistration.EventType)
                .Services.AddSingleton(_probe);
        }, static app => app.MapHeraldWebhooks());

        await PostAndProcessAsync(app, "msg_app_ds");

        Assert.Contains(app.Logs.Lines, l => l.Category.StartsWith("Npgsql", StringComparison.Ordinal)
            && l.Message.Contains($"INSERT INTO {_table}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsePostgresInbox_with_the_apps_data_source_leaves_it_open_when_the_app_stops()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using (var app = await ReceiverApp.StartAsync(Settings(), builder =>
        {
            builder.Services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver"))
                .UsePostgresInbox(dataSource)
                .AddHandler<PaymentSucceeded, PaymentSucceededHandler>(PaymentHandlerRegistration.EventType)
                .Services.AddSingleton(_probe);
        }, static app => app.MapHeraldWebhooks()))
        {
            await PostAndProcessAsync(app, "msg_given_ds");
        }

        // The app is gone; the data source is still the caller's to use, and holds the inbox's row.
        await using var command = dataSource.CreateCommand($"SELECT status FROM {_table} WHERE id = 'msg_given_ds';");
        Assert.Equal("processed", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task UsePostgresInbox_with_a_connection_string_logs_through_the_apps_logging()
    {
        var settings = Settings();
        settings["Herald:Receiver:Inbox:ConnectionString"] = _connectionString;
        await using var app = await ReceiverApp.StartAsync(settings, configureReceiver: PaymentHandlerRegistration.With(_probe),
            useInbox: static receiver => receiver.UsePostgresInbox());

        await PostAndProcessAsync(app, "msg_own_ds");

        Assert.Contains(app.Logs.Lines, l => l.Category.StartsWith("Npgsql", StringComparison.Ordinal)
            && l.Message.Contains($"INSERT INTO {_table}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsePostgresInbox_with_neither_a_connection_string_nor_a_data_source_fails_at_startup_saying_so()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReceiverApp.StartAsync(Settings(), builder =>
            builder.Services.AddHeraldReceiver(builder.Configuration.GetSection("Herald:Receiver")).UsePostgresInbox(),
            static app => app.MapHeraldWebhooks()));

        Assert.Contains("set its Inbox:ConnectionString, register the app's NpgsqlDataSource", error.Message, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Herald:Receiver:Secrets:0"] = _secret,
        ["Herald:Receiver:Inbox:TableName"] = _table,
    };

    private async Task PostAndProcessAsync(ReceiverApp app, string id)
    {
        var webhook = SignedWebhook.ForEvent(_secret, PaymentHandlerRegistration.EventType, new PaymentSucceeded("pay_" + id, 27m, "USD"), id);
        using var first = await app.PostAsync(webhook);
        await Eventually.UntilAsync(async () => (await app.Inbox.GetAsync(id, CancellationToken.None))?.Status == InboxStatus.Processed,
            $"{id} is processed");
        using var duplicate = await app.PostAsync(webhook);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal(1, _probe.CallsFor(id));
    }
}
