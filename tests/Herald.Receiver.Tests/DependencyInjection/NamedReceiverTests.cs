using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver.Tests.DependencyInjection;

/// <summary>An app that receives from two senders: two named receivers, each with its own secret, path, inbox table and handlers.</summary>
public sealed class NamedReceiverTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly string _shopSecret = WebhookSecret.Generate();
    private readonly string _payerSecret = WebhookSecret.Generate();
    private readonly Handled _handled = new();
    private ReceiverApp _app = null!;

    public async Task InitializeAsync()
    {
        // Both inboxes in one SQLite file: each receiver's default table keeps them apart.
        string connectionString = _dir.SqliteConnectionString();
        var settings = new Dictionary<string, string?>
        {
            ["Herald:Receivers:Shop:Secrets:0"] = _shopSecret,
            ["Herald:Receivers:Shop:Inbox:ConnectionString"] = connectionString,
            ["Herald:Receivers:Payer:Secrets:0"] = _payerSecret,
            ["Herald:Receivers:Payer:Inbox:ConnectionString"] = connectionString,
        };
        _app = await ReceiverApp.StartAsync(settings, builder =>
        {
            builder.Services.AddSingleton(_handled);
            builder.Services.AddHeraldReceiver("shop", builder.Configuration.GetSection("Herald:Receivers:Shop"))
                .UseSqliteInbox()
                .AddHandler<JsonElement, ShopHandler>("*");
            builder.Services.AddHeraldReceiver("payer", builder.Configuration.GetSection("Herald:Receivers:Payer"))
                .UseSqliteInbox()
                .AddHandler<JsonElement, PayerHandler>("payment.succeeded");
        }, app =>
        {
            app.MapHeraldWebhooks("/webhooks/shop", "shop");
            app.MapHeraldWebhooks("/webhooks/payer", "payer");
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Each_receiver_accepts_only_its_own_senders_webhooks_and_runs_only_its_own_handlers()
    {
        var fromShop = SignedWebhook.ForEvent(_shopSecret, "order.paid", new { order = "ord_1" }, "msg_shop");
        var fromPayer = SignedWebhook.ForEvent(_payerSecret, "payment.succeeded", new { payment = "pay_1" }, "msg_payer");

        using var shopAtPayer = await _app.PostAsync(fromShop, "/webhooks/payer");
        using var payerAtShop = await _app.PostAsync(fromPayer, "/webhooks/shop");
        using var shopAtShop = await _app.PostAsync(fromShop, "/webhooks/shop");
        using var payerAtPayer = await _app.PostAsync(fromPayer, "/webhooks/payer");

        Assert.Equal(HttpStatusCode.Unauthorized, shopAtPayer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, payerAtShop.StatusCode);
        Assert.Equal(HttpStatusCode.OK, shopAtShop.StatusCode);
        Assert.Equal(HttpStatusCode.OK, payerAtPayer.StatusCode);
        var shop = _app.InboxOf("shop");
        var payer = _app.InboxOf("payer");
        await Eventually.UntilAsync(async () => (await shop.GetAsync("msg_shop", CancellationToken.None))?.Status == InboxStatus.Processed
            && (await payer.GetAsync("msg_payer", CancellationToken.None))?.Status == InboxStatus.Processed, "both messages are processed");

        Assert.Equal(["msg_shop"], (await shop.ListAsync(null, 10, CancellationToken.None)).Select(e => e.Id));
        Assert.Equal(["msg_payer"], (await payer.ListAsync(null, 10, CancellationToken.None)).Select(e => e.Id));
        Assert.Equal(["shop msg_shop", "payer msg_payer"], _handled.Order());
        Assert.Equal(["herald_inbox_payer", "herald_inbox_shop"], await TablesAsync());
        // Only the unnamed receiver's inbox is registered without a key.
        Assert.Null(_app.Services.GetService<IWebhookInbox>());
    }

    [Fact]
    public async Task Each_receivers_logs_name_it()
    {
        using var refused = await _app.PostAsync(SignedWebhook.ForEvent(_shopSecret, "payment.succeeded", new { payment = "pay_1" }, "msg_wrong"), "/webhooks/payer");
        using var accepted = await _app.PostAsync(SignedWebhook.ForEvent(_shopSecret, "order.paid", new { order = "ord_1" }, "msg_shop"), "/webhooks/shop");
        await Eventually.UntilAsync(() => Task.FromResult(ReceiverLogs(2001).Any()), "the shop's message to be processed");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("Herald receiver payer", Assert.Single(ReceiverLogs(1001)).Scopes);
        Assert.Contains("Herald receiver shop", Assert.Single(ReceiverLogs(2001)).Scopes);
        Assert.DoesNotContain(ReceiverLogs(2001).Single().Scopes, s => s.Contains("payer", StringComparison.Ordinal));
    }

    private IEnumerable<LogLine> ReceiverLogs(int eventId) =>
        _app.Logs.Lines.Where(l => l.EventId.Id == eventId && l.Category.StartsWith("Herald.Receiver", StringComparison.Ordinal));

    [Fact]
    public async Task A_reloaded_secret_changes_only_its_own_receiver()
    {
        string newShopSecret = WebhookSecret.Generate();
        var configuration = (IConfigurationRoot)_app.Services.GetRequiredService<IConfiguration>();

        configuration["Herald:Receivers:Shop:Secrets:0"] = newShopSecret;
        configuration.Reload();

        using var newAtShop = await _app.PostAsync(SignedWebhook.ForEvent(newShopSecret, "order.paid", new { order = "ord_2" }, "msg_new"), "/webhooks/shop");
        using var oldAtShop = await _app.PostAsync(SignedWebhook.ForEvent(_shopSecret, "order.paid", new { order = "ord_3" }, "msg_old"), "/webhooks/shop");
        using var newAtPayer = await _app.PostAsync(SignedWebhook.ForEvent(newShopSecret, "payment.succeeded", new { payment = "pay_2" }), "/webhooks/payer");
        using var payerAtPayer = await _app.PostAsync(SignedWebhook.ForEvent(_payerSecret, "payment.succeeded", new { payment = "pay_3" }), "/webhooks/payer");

        Assert.Equal(HttpStatusCode.OK, newAtShop.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAtShop.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, newAtPayer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, payerAtPayer.StatusCode);
    }

    private async Task<List<string>> TablesAsync()
    {
        await using var connection = new SqliteConnection(_dir.SqliteConnectionString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }
        return tables;
    }

    private sealed class Handled
    {
        private readonly ConcurrentQueue<string> _runs = new();

        public void Add(string receiver, string messageId) => _runs.Enqueue($"{receiver} {messageId}");

        /// <summary>The runs, the shop's first (the two receivers run concurrently, so arrival order says nothing).</summary>
        public string[] Order() => [.. _runs.OrderByDescending(r => r.StartsWith("shop", StringComparison.Ordinal))];
    }

    private sealed class ShopHandler(Handled handled) : IWebhookHandler<JsonElement>
    {
        public Task HandleAsync(WebhookContext<JsonElement> context, CancellationToken cancellationToken)
        {
            handled.Add("shop", context.MessageId);
            return Task.CompletedTask;
        }
    }

    private sealed class PayerHandler(Handled handled) : IWebhookHandler<JsonElement>
    {
        public Task HandleAsync(WebhookContext<JsonElement> context, CancellationToken cancellationToken)
        {
            handled.Add("payer", context.MessageId);
            return Task.CompletedTask;
        }
    }
}
