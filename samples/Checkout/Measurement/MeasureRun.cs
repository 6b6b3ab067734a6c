using System.Globalization;
using System.Text;
using Checkout.Composition;
using Checkout.Store.Comparison;
using Checkout.Store.Orders;

namespace Checkout.Measurement;

/// <summary>
/// <c>dotnet run --project samples/Checkout -- --measure</c>: starts the sample on free ports, lets scripted shoppers
/// pay with each approach (one closes the tab before the page reports), then prints the comparison the report page shows,
/// followed by one payment made while the backend was down.
/// </summary>
internal sealed class MeasureRun(CheckoutSettings settings, TimeProvider time)
{
    public const int OrdersPerApproach = 4;

    /// <summary>How long a shopper spends on the payment step before paying; spread between half and one and a half times this.</summary>
    public static readonly TimeSpan TimeOnPaymentStep = TimeSpan.FromSeconds(8);

    public static readonly TimeSpan Outage = TimeSpan.FromSeconds(6);

    private static readonly TimeSpan Stagger = TimeSpan.FromMilliseconds(700);

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        // A fresh folder: the report counts every order the store has, and a kept folder holds earlier runs' orders.
        var ephemeral = settings with
        {
            Ports = new PortSettings { Storefront = 0, Herald = 0, Provider = 0, Store = 0, Mailbox = 0, Smtp = 0 },
            DataDirectory = null, TemporaryData = true, ProviderUrl = null, ProviderRelayEnabled = true, SampleLogLevel = "Warning",
        };
        await using var system = await CheckoutSystem.StartAsync(ephemeral, time, cancellationToken);
        using var store = new HttpClient { BaseAddress = system.StoreUrl };
        using var provider = new HttpClient();
        var shopper = new ScriptedShopper(store, provider);
        var report = system.Store.Services.GetRequiredService<ComparisonReport>();

        var runs = new List<Task>();
        for (int i = 0; i < OrdersPerApproach; i++)
        {
            // Shoppers of different approaches pay a little apart, as independent shoppers would.
            var dwell = TimeOnPaymentStep * (0.5 + ((double)i / Math.Max(1, OrdersPerApproach - 1)));
            runs.Add(ShopAsync(shopper, "webhook", dwell, report: false, cancellationToken));
            runs.Add(ShopAsync(shopper, "polling", dwell + Stagger, report: false, cancellationToken));
            runs.Add(ShopAsync(shopper, "app-report", dwell + (2 * Stagger), report: true, cancellationToken));
        }
        runs.Add(ShopAsync(shopper, "app-report", TimeOnPaymentStep, report: false, cancellationToken)); // the tab closed
        await Task.WhenAll(runs);
        await WaitUntilSettledAsync(report, settings.PollingInterval, cancellationToken);
        var main = report.Build();

        // One more webhook payment, made while the backend is down for a while.
        await shopper.SetBackendDownAsync(true, cancellationToken);
        var outage = await shopper.OrderAsync("webhook", "card", cancellationToken);
        await shopper.PayAsync(outage, cancellationToken);
        await Task.Delay(Outage, time, cancellationToken);
        await shopper.SetBackendDownAsync(false, cancellationToken);
        await WaitUntilAsync(() => report.Build().Orders.Single(o => o.OrderId == outage.OrderId).LearnedAfterMs is not null, cancellationToken);
        var outageRow = report.Build().Orders.Single(o => o.OrderId == outage.OrderId);

        return Format(main, outageRow);
    }

    private async Task ShopAsync(ScriptedShopper shopper, string approach, TimeSpan dwell, bool report, CancellationToken cancellationToken)
    {
        var order = await shopper.OrderAsync(approach, "card", cancellationToken);
        await Task.Delay(dwell, time, cancellationToken);
        await shopper.PayAsync(order, cancellationToken);
        if (report)
        {
            // The provider's page sends the shopper back after its return delay; then the order page reports.
            await Task.Delay(settings.ReturnDelay, time, cancellationToken);
            await shopper.ReportAsync(order, cancellationToken);
        }
    }

    private async Task WaitUntilSettledAsync(ComparisonReport report, TimeSpan pollingInterval, CancellationToken cancellationToken)
    {
        await WaitUntilAsync(() => report.Build().Orders.All(o => o.WebhookAfterMs is not null
            && (o.LearnedAfterMs is not null || o.Approach == Names.Of(Approach.AppReport))), cancellationToken);
        // Give the closed tab's order every chance: it still never learns.
        await Task.Delay(pollingInterval * 2, time, cancellationToken);
    }

    private async Task WaitUntilAsync(Func<bool> done, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(2);
        while (!done())
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new TimeoutException("The measured payments did not settle within two minutes.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken);
        }
    }

    private string Format(ComparisonView view, OrderComparison outage)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Polling interval {view.PollingInterval}; Herald retry schedule {string.Join(", ", view.HeraldRetrySchedule)}; " +
            $"{OrdersPerApproach} shoppers per approach paying {Ms(TimeOnPaymentStep.TotalMilliseconds / 2)}–{Ms(TimeOnPaymentStep.TotalMilliseconds * 1.5)} after ordering, plus one app-report shopper who closed the tab.");
        text.AppendLine();
        text.AppendLine("| Approach | Payments | Learned | Never learned | Requests | Requests per payment | Fastest | Median | Slowest |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var a in view.Approaches)
        {
            text.AppendLine(c, $"| {a.Title} | {a.PaymentsFinished} | {a.Learned} | {a.NotLearned} | {a.Requests} | {a.RequestsPerPayment?.ToString("0.##", c) ?? "–"} | {Ms(a.FastestMs)} | {Ms(a.MedianMs)} | {Ms(a.SlowestMs)} |");
        }
        text.AppendLine();
        text.AppendLine(c, $"Backend down for {Ms(Outage.TotalMilliseconds)} while a webhook payment finished: Herald made {outage.Requests} requests " +
            $"and the backend learned {Ms(outage.LearnedAfterMs)} after the payment.");
        return text.ToString();
    }

    private static string Ms(double? ms) => ms is not { } v ? "–"
        : v < 1000 ? v.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : (v / 1000).ToString("0.0#", CultureInfo.InvariantCulture) + " s";
}
