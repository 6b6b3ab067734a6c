namespace Checkout.Provider.Payments;

internal static class PaymentsApi
{
    public static void MapPaymentsApi(this WebApplication app)
    {
        app.MapPost("/api/payments", (CreatePaymentRequest request, HttpContext http, PaymentLedger ledger) =>
        {
            if (request.Amount <= 0 || string.IsNullOrWhiteSpace(request.OrderId) || request.Currency is not { Length: 3 }
                || !Enum.TryParse<PaymentMethod>(request.Method, ignoreCase: true, out var method)
                || !request.ReturnUrl.IsAbsoluteUri || request.ReturnUrl.Scheme is not ("http" or "https"))
            {
                return Results.Problem(statusCode: 400, title: "Invalid payment request",
                    detail: "orderId, a positive amount in cents, a 3-letter currency, method card|wallet and an absolute returnUrl are required.");
            }
            var payment = ledger.Create(request.OrderId, request.Amount, request.Currency.ToUpperInvariant(), method, request.ReturnUrl);
            var url = new Uri(new Uri($"{http.Request.Scheme}://{http.Request.Host}/"), "pay/" + payment.Id);
            return Results.Created(url, new CreatePaymentResponse(payment.Id, url));
        });

        app.MapGet("/api/payments/{id}", (string id, PaymentLedger ledger) =>
            ledger.Find(id) is { } payment ? Results.Ok(ToResponse(payment)) : Results.NotFound());
    }

    public static PaymentStatusResponse ToResponse(Payment p) =>
        new(p.Id, p.OrderId, p.Status.ToString().ToLowerInvariant(), p.Amount, p.Currency, p.CompletedAt, p.DeclineReason);
}
