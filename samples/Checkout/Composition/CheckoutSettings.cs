namespace Checkout.Composition;

/// <summary>The <c>Checkout</c> configuration section: ports, data folder and the demo's timings.</summary>
public sealed record CheckoutSettings
{
    public PortSettings Ports { get; init; } = new();

    /// <summary>
    /// Where Herald's database, the provider's payments, the store's orders and inbox and the mailbox go; kept between
    /// runs. Empty: <see cref="DefaultDataDirectory"/>, or a fresh temporary folder with <see cref="TemporaryData"/>.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Without a <see cref="DataDirectory"/>: use a fresh temporary folder and delete it on exit.</summary>
    public bool TemporaryData { get; init; }

    /// <summary>
    /// A payment provider already running in its own process (<c>Checkout --provider</c>); the sample then starts no
    /// provider of its own and only onboards the store with Herald. Empty: the provider runs in-process.
    /// </summary>
    public Uri? ProviderUrl { get; init; }

    /// <summary>Herald's address, for a provider started with <c>--provider</c>, which runs without Herald in its process.</summary>
    public Uri? HeraldUrl { get; init; }

    /// <summary>
    /// Whether the provider's Herald.Outbox relay runs. False leaves every finished payment's webhook committed in
    /// <c>provider.db</c> and unsent, as a provider that crashed before publishing would; a later run with the relay sends it.
    /// </summary>
    public bool ProviderRelayEnabled { get; init; } = true;

    public string HeraldAdminToken { get; init; } = "checkout-demo-token";

    /// <summary>Herald's retry delays for this demo; <see cref="DefaultRetrySchedule"/> when empty.</summary>
    public List<TimeSpan> RetrySchedule { get; init; } = [];

    /// <summary>How often the polling alternative asks the provider about an open payment.</summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>The poller stops asking about a payment that has not finished after this long.</summary>
    public TimeSpan PollingGiveUpAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A pause between paid, shipped and e-mailed, so that the page shows the progression.</summary>
    public TimeSpan FulfilmentStepDelay { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>How long the provider's "approved" page waits before sending the shopper back to the shop.</summary>
    public TimeSpan ReturnDelay { get; init; } = TimeSpan.FromSeconds(2);

    public SmtpSettings Smtp { get; init; } = new();

    /// <summary>Minimum log level of the four hosts' framework and Herald categories.</summary>
    public string LogLevel { get; init; } = "Warning";

    /// <summary>Minimum log level of the sample's own categories (<c>Checkout.*</c>).</summary>
    public string SampleLogLevel { get; init; } = "Information";

    /// <summary>The kept data folder of a plain <c>dotnet run</c>: the user's local application data, else the temp folder.</summary>
    public static string DefaultDataDirectory
    {
        get
        {
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return Path.Combine(local.Length > 0 ? local : Path.GetTempPath(), "herald-checkout");
        }
    }

    public static IReadOnlyList<TimeSpan> DefaultRetrySchedule { get; } =
        [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)];

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;
}

/// <summary>Ports on 127.0.0.1; 0 picks a free one.</summary>
public sealed record PortSettings
{
    public int Storefront { get; init; } = 5100;
    public int Herald { get; init; } = 5101;
    public int Provider { get; init; } = 5102;
    public int Store { get; init; } = 5103;

    /// <summary>The mailbox's web pages, where the received confirmation e-mails are shown.</summary>
    public int Mailbox { get; init; } = 5104;

    /// <summary>The mailbox's SMTP server, to which the store sends its confirmation e-mails.</summary>
    public int Smtp { get; init; } = 2525;
}

/// <summary>The confirmation e-mail's sender; the store sends it by SMTP to the sample's own mailbox.</summary>
public sealed record SmtpSettings
{
    public string From { get; init; } = "Chocolate Corner <orders@chocolate-corner.example>";
}
