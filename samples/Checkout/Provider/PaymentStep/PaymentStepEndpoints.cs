using Checkout.Provider.Payments;

namespace Checkout.Provider.PaymentStep;

/// <summary>The provider-hosted payment step the shopper is redirected to: card form or wallet confirmation.</summary>
internal static class PaymentStepEndpoints
{
    /// <summary>The test card that is always declined.</summary>
    public const string DeclinedCard = "4000000000000002";

    public static void MapPaymentStep(this WebApplication app)
    {
        app.MapGet("/pay/{id}", (string id, PaymentLedger ledger, ProviderOptions options) =>
            ledger.Find(id) is not { } payment ? NotFound()
            : payment.Status == PaymentStatus.Pending ? Html(PaymentStepPages.Step(payment))
            : Html(PaymentStepPages.Result(payment, options.ReturnDelay)));

        app.MapPost("/pay/{id}", async (string id, HttpContext http, PaymentLedger ledger, ProviderOptions options) =>
        {
            if (ledger.Find(id) is not { } payment)
            {
                return NotFound();
            }
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            string? declineReason = payment.Method == PaymentMethod.Card ? CheckCard(form["card-number"].ToString()) : null;
            // The payment and its webhook commit together; Herald.Outbox's relay sends the webhook from there.
            if (await ledger.TryCompleteAsync(id, declineReason, http.RequestAborted) is { } completed)
            {
                payment = completed;
            }
            return Html(PaymentStepPages.Result(ledger.Find(id) ?? payment, options.ReturnDelay));
        });
    }

    private static string? CheckCard(string number)
    {
        string digits = new(number.Where(char.IsAsciiDigit).ToArray());
        return digits.Length is < 12 or > 19 ? "The card number is not valid."
            : digits == DeclinedCard ? "Your card was declined."
            : null;
    }

    private static IResult Html(string html) => Results.Content(html, "text/html; charset=utf-8");

    private static IResult NotFound() => Results.Content(PaymentStepPages.Unknown(), "text/html; charset=utf-8", statusCode: 404);
}
