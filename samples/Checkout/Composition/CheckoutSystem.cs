using System.Globalization;
using System.Net.Http.Headers;
using Checkout.Mailbox;
using Checkout.Provider;
using Checkout.Provider.Herald;
using Checkout.Store;
using Checkout.Storefront;
using Herald.Server.Hosting;

namespace Checkout.Composition;

/// <summary>
/// The whole story in one process: Herald, the payment provider, the mailbox, the store's backend and the storefront,
/// each on its own Kestrel port, wired together in the order their dependencies demand. The provider may instead run
/// in a process of its own (<see cref="CheckoutSettings.ProviderUrl"/>).
/// </summary>
internal sealed class CheckoutSystem : IAsyncDisposable
{
    private readonly List<WebApplication> _started = [];

    private CheckoutSystem(CheckoutSettings settings, string dataDirectory, bool ownsDataDirectory)
    {
        Settings = settings;
        DataDirectory = dataDirectory;
        OwnsDataDirectory = ownsDataDirectory;
    }

    public CheckoutSettings Settings { get; }
    public string DataDirectory { get; }

    /// <summary>True when no data folder was configured: the run made a temporary one and deletes it when it stops.</summary>
    public bool OwnsDataDirectory { get; }
    public Uri HeraldUrl { get; private set; } = null!;
    public Uri ProviderUrl { get; private set; } = null!;
    public Uri StoreUrl { get; private set; } = null!;
    public Uri StorefrontUrl { get; private set; } = null!;
    public Uri MailboxUrl { get; private set; } = null!;
    public System.Net.IPEndPoint SmtpEndPoint { get; private set; } = null!;

    /// <summary>The in-process provider; null when it runs in a process of its own.</summary>
    public WebApplication? Provider { get; private set; }
    public WebApplication Mailbox { get; private set; } = null!;
    public WebApplication Store { get; private set; } = null!;

    public static async Task<CheckoutSystem> StartAsync(CheckoutSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        bool owned = settings.DataDirectory is not { Length: > 0 } && settings.TemporaryData;
        var system = new CheckoutSystem(settings, PrepareDataDirectory(settings, time), owned);
        try
        {
            await system.StartAllAsync(cancellationToken);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        HeraldUrl = await StartAsync(BuildHerald(), cancellationToken);

        if (Settings.ProviderUrl is { } external)
        {
            ProviderUrl = external;
        }
        else
        {
            Provider = PaymentProviderApp.Build(Settings, new ProviderLinks(HeraldUrl, DataDirectory));
            ProviderUrl = await StartAsync(Provider, cancellationToken);
        }

        Mailbox = MailboxApp.Build(Settings, DataDirectory);
        MailboxUrl = await StartAsync(Mailbox, cancellationToken);
        SmtpEndPoint = await Mailbox.Services.GetRequiredService<SmtpListener>().EndPoint;

        // The store's receiver needs the endpoint's secret before it starts, and Herald needs the store's URL,
        // which is only known after it starts when its port is 0: register the planned URL, then correct it.
        // The provider onboards its merchants; when it runs elsewhere, the same calls are made from here.
        using var heraldHttp = new HttpClient { BaseAddress = new Uri(HeraldUrl, "api/v1/") };
        heraldHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Settings.HeraldAdminToken);
        var registration = Provider?.Services.GetRequiredService<MerchantRegistration>() ?? new MerchantRegistration(new HeraldApiClient(heraldHttp));
        var planned = WebhookUrl(new Uri(AppHost.Url(Settings.Ports.Store == 0 ? 9 : Settings.Ports.Store) + "/"));
        string secret = await registration.EnsureEndpointAsync(planned, cancellationToken);

        Store = StoreBackendApp.Build(Settings, new StoreLinks(ProviderUrl, secret, DataDirectory, SmtpEndPoint, MailboxUrl));
        StoreUrl = await StartAsync(Store, cancellationToken);
        if (WebhookUrl(StoreUrl) != planned)
        {
            await registration.EnsureEndpointAsync(WebhookUrl(StoreUrl), cancellationToken);
        }

        StorefrontUrl = await StartAsync(StorefrontApp.Build(Settings, StoreUrl), cancellationToken);
        Store.Services.GetRequiredService<StorefrontLink>().Set(StorefrontUrl);
    }

    private WebApplication BuildHerald()
    {
        var config = new Dictionary<string, string?>(AppHost.LoggingConfig(Settings))
        {
            ["Herald:AdminToken"] = Settings.HeraldAdminToken,
            ["Herald:Storage:ConnectionString"] = "Data Source=" + Path.Combine(DataDirectory, "herald.db"),
            // The store's backend listens on loopback, which Herald's SSRF guard refuses unless allowed.
            ["Herald:Delivery:AllowedSubnets:0"] = "127.0.0.0/8",
            ["Herald:Delivery:RequestTimeout"] = "00:00:05",
            // Survives a killed process, not a power cut: plenty for a demo, and each write is no longer an fsync.
            ["Herald:Storage:SqliteSynchronousFull"] = "false",
        };
        var schedule = Settings.EffectiveRetrySchedule;
        for (int i = 0; i < schedule.Count; i++)
        {
            config["Herald:Delivery:RetrySchedule:" + i.ToString(CultureInfo.InvariantCulture)] = schedule[i].ToString("c", CultureInfo.InvariantCulture);
        }
        return HeraldServer.Build(["--urls", AppHost.Url(Settings.Ports.Herald)], builder => builder.Configuration.AddInMemoryCollection(config));
    }

    private async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        _started.Add(app);
        await app.StartAsync(cancellationToken);
        return AppHost.BoundAddress(app);
    }

    private static Uri WebhookUrl(Uri storeUrl) => new(storeUrl, "webhooks");

    internal static string PrepareDataDirectory(CheckoutSettings settings, TimeProvider time)
    {
        string directory = settings.DataDirectory is { Length: > 0 } configured ? Path.GetFullPath(configured)
            : settings.TemporaryData ? Path.Combine(Path.GetTempPath(), "herald-checkout",
                time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6])
            : CheckoutSettings.DefaultDataDirectory;
        Directory.CreateDirectory(directory);
        return directory;
    }

    public async ValueTask DisposeAsync()
    {
        for (int i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(CancellationToken.None);
            await _started[i].DisposeAsync();
        }
        _started.Clear();
        if (OwnsDataDirectory)
        {
            DeleteDataDirectory();
        }
    }

    private void DeleteDataDirectory()
    {
        // SQLite's pool may still hold the files open; on Linux they can go anyway, elsewhere clear the pool first.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary folder is harmless; stopping must not fail because of it.
        }
    }
}
