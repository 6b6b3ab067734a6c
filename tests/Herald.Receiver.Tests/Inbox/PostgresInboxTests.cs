using System.Net;
using Herald.Receiver.Postgres;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Herald.Receiver.Tests.Inbox;

/// <summary>
/// The compliance suite against a real PostgreSQL. Excluded from the default run (see the test project's
/// VSTestTestCaseFilter); run with HERALD_TEST_POSTGRES set and <c>dotnet test --filter Category=Postgres</c>.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresInboxTests : InboxComplianceTests
{
    private readonly string _connectionString = Environment.GetEnvironmentVariable("HERALD_TEST_POSTGRES")
        ?? throw new InvalidOperationException(
            "HERALD_TEST_POSTGRES is not set. Start PostgreSQL (e.g. `apt-get install postgresql && service postgresql start`, " +
            "or `docker run -e POSTGRES_PASSWORD=herald -p 5432:5432 postgres`) and set HERALD_TEST_POSTGRES to a connection string " +
            "such as 'Host=127.0.0.1;Username=postgres;Password=herald;Database=postgres'.");

    // A table per test keeps tests independent on a shared database.
    private readonly string _table = "herald_inbox_" + Guid.NewGuid().ToString("N")[..12];

    protected override IWebhookInbox CreateInbox() => new PostgresWebhookInbox(_connectionString, _table, Time);

    [Fact]
    public async Task Receiver_WithPostgresInbox_ProcessesAWebhookOnce()
    {
        string secret = WebhookSecret.Generate();
        var settings = ReceiverApp.Settings(_connectionString, secret);
        settings["Herald:Receiver:Inbox:TableName"] = _table;
        var probe = new HandlerProbe();
        await using var app = await ReceiverApp.StartAsync(settings, configureReceiver: PaymentHandlerRegistration.With(probe),
            useInbox: static receiver => receiver.UsePostgresInbox());
        var webhook = SignedWebhook.ForEvent(secret, PaymentHandlerRegistration.EventType, new PaymentSucceeded("pay_pg", 27m, "USD"), "msg_pg");

        using var first = await app.PostAsync(webhook);
        await Eventually.UntilAsync(async () => (await app.Inbox.GetAsync("msg_pg", CancellationToken.None))?.Status == InboxStatus.Processed,
            "msg_pg is processed");
        using var duplicate = await app.PostAsync(webhook);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
        Assert.Equal("pay_pg", Assert.Single(probe.Calls).Payload.PaymentId);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand($"DROP TABLE IF EXISTS {_table};");
        await command.ExecuteNonQueryAsync();
    }
}
