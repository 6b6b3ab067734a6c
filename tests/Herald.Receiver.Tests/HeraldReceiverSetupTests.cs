using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Herald.Receiver.Tests;

/// <summary>Configuration binding and the errors a misconfigured receiver gives at startup.</summary>
public sealed class HeraldReceiverSetupTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Options_BindFromTheConfigurationSection_WithDefaultsForTheRest()
    {
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");
        settings["Herald:Receiver:Tolerance"] = "00:02:00";
        using var provider = Services(settings).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<HeraldReceiverOptions>>().Value;

        Assert.Equal(2, options.Secrets.Count);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Tolerance);
        Assert.Equal(1024 * 1024, options.MaxBodyBytes);
        Assert.Equal("herald_inbox", options.Inbox.TableName);
        Assert.Equal(3, options.Handlers.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Handlers.PollInterval);
    }

    [Theory]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("whsec_%%%")]
    public async Task InvalidSecret_FailsAtStartup_WithoutEchoingIt(string secret)
    {
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString(), WebhookSecret.Generate(), secret);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings));

        Assert.Contains("Secrets[1]", error.Message, StringComparison.Ordinal);
        if (secret.Length > "whsec_".Length)
        {
            Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WhskSecretKey_IsRefusedAtStartup_AskingForThePublicKey_WithoutEchoingIt()
    {
        string secretKey = WebhookKeyPair.Generate();
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString(), WebhookSecret.Generate(), secretKey);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings));

        Assert.Contains("Secrets[1] is a whsk_ ed25519 secret key", error.Message, StringComparison.Ordinal);
        Assert.Contains("configure its whpk_ public key instead", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secretKey["whsk_".Length..], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("whpk_")]
    [InlineData("whpk_AAAA")]
    [InlineData("whpk_nZ2xne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==")] // 64 bytes, not 32
    public async Task InvalidPublicKey_FailsAtStartup(string publicKey)
    {
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString(), publicKey);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings));

        Assert.Contains("Secrets[0] is not a valid whpk_ public key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AcceptPublicKeysBesideSecrets()
    {
        string publicKey = WebhookKeyPair.Parse(WebhookKeyPair.Generate()).PublicKey.ToString();
        using var provider = Services(ReceiverApp.Settings(_dir.SqliteConnectionString(), publicKey, WebhookSecret.Generate())).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<HeraldReceiverOptions>>().Value;

        Assert.Equal(publicKey, options.Secrets[0]);
        Assert.Equal(2, options.Secrets.Count);
    }

    [Fact]
    public async Task NoSecrets_FailsAtStartup()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString())));

        Assert.Contains("At least one webhook secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSecrets_ForANamedReceiver_NamesItsOwnSection()
    {
        var settings = new Dictionary<string, string?> { ["Webhooks:Stripe:Inbox:ConnectionString"] = _dir.SqliteConnectionString() };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings,
            builder => builder.Services.AddHeraldReceiver("stripe", builder.Configuration.GetSection("Webhooks:Stripe")).UseSqliteInbox(),
            app => app.MapHeraldWebhooks("/webhooks/stripe", "stripe")));

        Assert.Contains("of receiver 'stripe'", error.Message, StringComparison.Ordinal);
        Assert.Contains("(Webhooks:Stripe:Secrets: whsec_… or whpk_…)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Herald:Receiver:Secrets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSecrets_ForTheDefaultSection_NamesHeraldReceiverSecrets()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString())));

        Assert.Contains("(Herald:Receiver:Secrets: whsec_… or whpk_…)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoSecrets_SetInCode_NamesTheOption()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync([],
            builder => builder.Services.AddHeraldReceiver(o => o.Inbox.ConnectionString = _dir.SqliteConnectionString()).UseSqliteInbox(),
            app => app.MapHeraldWebhooks("/webhooks")));

        Assert.Contains("(HeraldReceiverOptions.Secrets: whsec_… or whpk_…)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task LeftoverInboxProvider_FailsAtStartup_PointingToTheInboxMethods(string provider)
    {
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString(), WebhookSecret.Generate());
        settings["Herald:Receiver:Inbox:Provider"] = provider;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings));

        Assert.Contains($"Herald:Receiver:Inbox:Provider ('{provider}') is no longer read", error.Message, StringComparison.Ordinal);
        Assert.Contains(".UseSqliteInbox()", error.Message, StringComparison.Ordinal);
        Assert.Contains(".UsePostgresInbox()", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LeftoverInboxProvider_OfANamedReceiver_NamesItsSection()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Webhooks:Stripe:Secrets:0"] = WebhookSecret.Generate(),
            ["Webhooks:Stripe:Inbox:ConnectionString"] = _dir.SqliteConnectionString(),
            ["Webhooks:Stripe:Inbox:Provider"] = "Sqlite",
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings,
            builder => builder.Services.AddHeraldReceiver("stripe", builder.Configuration.GetSection("Webhooks:Stripe")).UseSqliteInbox(),
            app => app.MapHeraldWebhooks("/webhooks/stripe", "stripe")));

        Assert.Contains("Webhooks:Stripe:Inbox:Provider ('Sqlite') is no longer read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsafeTableName_FailsAtStartup()
    {
        var settings = ReceiverApp.Settings(_dir.SqliteConnectionString(), WebhookSecret.Generate());
        settings["Herald:Receiver:Inbox:TableName"] = "inbox; DROP TABLE x";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ReceiverApp.StartAsync(settings));

        Assert.Contains("TableName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoHandlersForOneEventType_AreRejected()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new HandlerProbe());
        var receiver = services.AddHeraldReceiver(Configuration(ReceiverApp.Settings(_dir.SqliteConnectionString(), WebhookSecret.Generate())))
            .UseSqliteInbox();
        receiver.AddHandler<PaymentSucceeded, PaymentSucceededHandler>("payment.succeeded");
        receiver.AddHandler<PaymentSucceeded, PaymentSucceededHandler>("payment.succeeded");
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<Receiver.Handlers.HandlerRegistry>(""));

        Assert.Contains("payment.succeeded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapHeraldWebhooks_WithoutAddHeraldReceiver_ExplainsWhatIsMissing()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapHeraldWebhooks("/webhooks"));

        Assert.Contains("AddHeraldReceiver", error.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHeraldReceiver(Configuration(settings)).UseSqliteInbox();
        return services;
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Herald:Receiver");
}
