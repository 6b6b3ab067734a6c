using System.Globalization;
using Checkout.Store.Orders;
using Checkout.Store.Webhooks;

namespace Checkout.Store.Comparison;

internal sealed record ApproachSummary(
    string Approach, string Title, int Orders, int PaymentsFinished, int Learned, int NotLearned, int Requests,
    double? RequestsPerPayment, double? FastestMs, double? MedianMs, double? SlowestMs);

internal sealed record OrderComparison(
    string OrderId, string Approach, string Status, DateTimeOffset? ProviderCompletedAt, double? LearnedAfterMs, double? WebhookAfterMs, int Requests,
    string? PaymentId, string? WebhookMessageId);

internal sealed record ComparisonView(
    IReadOnlyList<ApproachSummary> Approaches, IReadOnlyList<OrderComparison> Orders, string PollingInterval,
    IReadOnlyList<string> HeraldRetrySchedule, bool BackendDown);

/// <summary>
/// Measures, from the runs that happened, how each approach learned of finished payments: how many requests it
/// took and how long after the provider finished the payment the backend knew.
/// </summary>
internal sealed class ComparisonReport(OrderBook orders, WebhookGate gate, StoreOptions options)
{
    public ComparisonView Build()
    {
        var rows = orders.Measurements().Select(m => new OrderComparison(
            m.OrderId, Names.Of(m.Approach), m.Status, m.ProviderCompletedAt,
            Since(m.ProviderCompletedAt, m.LearnedAt), Since(m.ProviderCompletedAt, m.WebhookLearnedAt),
            m.Approach == Approach.Webhook ? (m.WebhookMessageId is { } id ? gate.AttemptsFor(id) : 0) : m.ChannelRequests,
            m.PaymentId, m.WebhookMessageId)).ToList();

        return new ComparisonView(
            [Summarize(rows, Approach.Webhook, "Herald webhook"),
             Summarize(rows, Approach.Polling, "Backend polls the provider"),
             Summarize(rows, Approach.AppReport, "App reports back")],
            rows,
            Format(options.PollingInterval),
            options.HeraldRetrySchedule.Select(Format).ToList(),
            gate.IsDown);
    }

    private static ApproachSummary Summarize(IReadOnlyList<OrderComparison> rows, Approach approach, string title)
    {
        string name = Names.Of(approach);
        var mine = rows.Where(r => r.Approach == name).ToList();
        var finished = mine.Where(r => r.ProviderCompletedAt is not null).ToList();
        var latencies = finished.Where(r => r.LearnedAfterMs is not null).Select(r => r.LearnedAfterMs!.Value).Order().ToList();
        int requests = mine.Sum(r => r.Requests);
        return new ApproachSummary(
            name, title, mine.Count, finished.Count, latencies.Count, finished.Count - latencies.Count, requests,
            finished.Count == 0 ? null : Math.Round((double)finished.Sum(r => r.Requests) / finished.Count, 2),
            latencies.Count == 0 ? null : latencies[0],
            latencies.Count == 0 ? null : latencies[latencies.Count / 2],
            latencies.Count == 0 ? null : latencies[^1]);
    }

    private static double? Since(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } f && to is { } t ? Math.Round(Math.Max(0, (t - f).TotalMilliseconds), 1) : null;

    private static string Format(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
