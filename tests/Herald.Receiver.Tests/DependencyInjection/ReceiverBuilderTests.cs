using System.Net;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Herald.Receiver.Tests.DependencyInjection;

/// <summary>The builder <c>AddHeraldReceiver</c> returns: settings in code, the inbox choice, and what a missing piece says.</summary>
public sealed class ReceiverBuilderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Options_set_in_code_verify_store_and_process_like_bound_ones()
    {
        string secret = WebhookSecret.Generate();
        var probe = new HandlerProbe();
        await using var app = await ReceiverApp.StartAsync([], builder => builder.Services
            .AddHeraldReceiver(options =>
            {
                options.Secrets.Add(secret);
                options.Tolerance = TimeSpan.FromMinutes(1);
                options.Inbox.ConnectionString = _dir.SqliteConnectionString();
                options.Handlers.MaxAttempts = 2;
            })
            .UseSqliteInbox()
            .AddHandler<PaymentSucceeded, PaymentSucceededHandler>(PaymentHandlerRegistration.EventType)
            .Services.AddSingleton(probe), static app => app.MapHeraldWebhooks());
        var payment = new PaymentSucceeded("pay_code", 27m, "USD");

        using var forged = await app.PostAsync(SignedWebhook.ForEvent(WebhookSecret.Generate(), PaymentHandlerRegistration.EventType, payment, "msg_forged"));
        using var tooOld = await app.PostAsync(SignedWebhook.ForEvent(secret, PaymentHandlerRegistration.EventType, payment, "msg_old",
            DateTimeOffset.UtcNow - TimeSpan.FromMinutes(3)));
        using var genuine = await app.PostAsync(SignedWebhook.ForEvent(secret, PaymentHandlerRegistration.EventType, payment, "msg_code"));
        await Eventually.UntilAsync(async () => (await app.Inbox.GetAsync("msg_code", CancellationToken.None))?.Status == InboxStatus.Processed,
            "msg_code is processed");

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, tooOld.StatusCode);
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
        Assert.Equal("pay_code", Assert.Single(probe.Calls).Payload.PaymentId);
        var options = app.Services.GetRequiredService<IOptions<HeraldReceiverOptions>>().Value;
        Assert.Equal(2, options.Handlers.MaxAttempts);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "inbox.db")));
    }

    [Fact]
    public async Task Options_set_in_code_are_validated_at_startup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync([], builder => builder.Services
            .AddHeraldReceiver(options => options.Inbox.ConnectionString = _dir.SqliteConnectionString())
            .UseSqliteInbox(), static app => app.MapHeraldWebhooks()));

        Assert.Contains("At least one webhook secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_receivers_table_defaults_to_its_name_and_configuration_overrides_it()
    {
        var services = new ServiceCollection();
        services.AddHeraldReceiver("GitHub-App", options => options.Secrets.Add(WebhookSecret.Generate())).UseSqliteInbox();
        services.AddHeraldReceiver("stripe", options =>
        {
            options.Secrets.Add(WebhookSecret.Generate());
            options.Inbox.TableName = "stripe_events";
        }).UseSqliteInbox();
        services.AddHeraldReceiver(options => options.Secrets.Add(WebhookSecret.Generate())).UseSqliteInbox();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<HeraldReceiverOptions>>();

        Assert.Equal("herald_inbox_github_app", options.Get("GitHub-App").Inbox.TableName);
        Assert.Equal("stripe_events", options.Get("stripe").Inbox.TableName);
        Assert.Equal("herald_inbox", options.CurrentValue.Inbox.TableName);
    }

    [Fact]
    public void MapHeraldWebhooks_of_a_receiver_without_an_inbox_says_how_to_choose_one()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Services.AddHeraldReceiver("shop", options => options.Secrets.Add(WebhookSecret.Generate()));
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapHeraldWebhooks("/webhooks/shop", "shop"));

        Assert.Contains("receiver 'shop' has no inbox", error.Message, StringComparison.Ordinal);
        Assert.Contains(".UseSqliteInbox() (package Herald.Receiver.Sqlite)", error.Message, StringComparison.Ordinal);
        Assert.Contains(".UsePostgresInbox() (package Herald.Receiver.Postgres)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapHeraldWebhooks_of_an_unknown_name_names_the_registration_it_needs()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Services.AddHeraldReceiver("shop", options => options.Secrets.Add(WebhookSecret.Generate())).UseSqliteInbox();
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapHeraldWebhooks("/webhooks/payer", "payer"));

        Assert.Contains("AddHeraldReceiver(\"payer\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_inbox_for_one_receiver_is_refused()
    {
        var receiver = new ServiceCollection().AddHeraldReceiver(options => options.Secrets.Add(WebhookSecret.Generate())).UseSqliteInbox();

        var error = Assert.Throws<InvalidOperationException>(() => receiver.UsePostgresInbox());

        Assert.Contains("already set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unnamed_receivers_inbox_is_also_the_plain_IWebhookInbox_and_a_named_ones_is_not()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHeraldReceiver(options =>
        {
            options.Secrets.Add(WebhookSecret.Generate());
            options.Inbox.ConnectionString = _dir.SqliteConnectionString();
        }).UseSqliteInbox();
        services.AddHeraldReceiver("shop", options =>
        {
            options.Secrets.Add(WebhookSecret.Generate());
            options.Inbox.ConnectionString = _dir.SqliteConnectionString();
        }).UseSqliteInbox();
        await using var provider = services.BuildServiceProvider();

        var plain = provider.GetRequiredService<IWebhookInbox>();
        Assert.Same(provider.GetRequiredKeyedService<IWebhookInbox>(""), plain);
        Assert.NotSame(provider.GetRequiredKeyedService<IWebhookInbox>("shop"), plain);
        Assert.True(await plain.TryAddAsync(new InboxMessage("msg_1", null, DateTimeOffset.UtcNow, new byte[] { 1 }), CancellationToken.None));
        Assert.Null(await provider.GetRequiredKeyedService<IWebhookInbox>("shop").GetAsync("msg_1", CancellationToken.None));
    }

    [Fact]
    public void The_same_handler_type_may_serve_two_receivers()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new HandlerProbe());
        services.AddHeraldReceiver("a", options => options.Secrets.Add(WebhookSecret.Generate())).UseSqliteInbox()
            .AddHandler<PaymentSucceeded, PaymentSucceededHandler>(PaymentHandlerRegistration.EventType);
        services.AddHeraldReceiver("b", options => options.Secrets.Add(WebhookSecret.Generate())).UseSqliteInbox()
            .AddHandler<PaymentSucceeded, PaymentSucceededHandler>(PaymentHandlerRegistration.EventType);
        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredKeyedService<Receiver.Handlers.HandlerRegistry>("a").Find(PaymentHandlerRegistration.EventType));
        Assert.NotNull(provider.GetRequiredKeyedService<Receiver.Handlers.HandlerRegistry>("b").Find(PaymentHandlerRegistration.EventType));
        Assert.Null(provider.GetRequiredKeyedService<Receiver.Handlers.HandlerRegistry>("b").Find("other.event"));
    }
}
