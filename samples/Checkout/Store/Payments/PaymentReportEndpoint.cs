using Checkout.Store.Orders;

namespace Checkout.Store.Payments;

internal sealed record PaymentReportRequest(string? PaymentId);

/// <summary>
/// The "app reports back" alternative: the page says "I paid" after the payment step. The backend cannot take
/// the page's word for it, so it asks the provider; and when the tab is closed first, nothing arrives at all.
/// </summary>
internal static class PaymentReportEndpoint
{
    public static void MapPaymentReport(this WebApplication app) =>
        app.MapPost("/api/orders/{id}/payment-report", async (string id, PaymentReportRequest report, OrderBook orders, ProviderClient provider, PaymentIntake intake, HttpContext http) =>
        {
            if (orders.Find(id) is not { } order)
            {
                return Results.NotFound();
            }
            orders.CountRequest(id, Approach.AppReport);
            if (order.PaymentId is null || report.PaymentId != order.PaymentId)
            {
                return Results.Problem(statusCode: 400, title: "Unknown payment", detail: "The payment id does not belong to this order.");
            }
            orders.CountRequest(id, Approach.AppReport);
            var payment = await provider.GetPaymentAsync(order.PaymentId, http.RequestAborted);
            if (payment.IsFinished)
            {
                await intake.AcceptAsync(payment.ToNews(), Approach.AppReport, http.RequestAborted);
            }
            return Results.Ok(orders.Find(id));
        });
}
