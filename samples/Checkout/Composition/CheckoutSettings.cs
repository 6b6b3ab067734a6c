namespace Checkout.Composition;

/// <summary>The <c>Checkout</c> configuration section: ports, data folder and the demo's timings.</summary>
public sealed record CheckoutSettings
{
    public PortSettings Ports { get; init; } = new();

    /// <summary>Where Herald's database, the store's inbox and the e-mails go; a fresh temp folder per run when empty.</summary>
    public string? DataDirectory { get; init; }

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
}

/// <summary>SMTP for the confirmation e-mail; without a host the e-mail is only written to the pickup folder.</summary>
public sealed record SmtpSettings
{
    public string? Host { get; init; }
    public int Port { get; init; } = 25;
    public bool UseStartTls { get; init; }
    public string? UserName { get; init; }
    public string? Password { get; init; }
    public string From { get; init; } = "Chocolate Corner <orders@chocolate-corner.example>";
}
