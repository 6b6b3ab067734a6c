using System.Runtime.CompilerServices;
using System.Text.Json;
using Checkout.Store.Payments;

namespace Checkout.Store.Orders;

internal static class OrdersApi
{
    public static void MapOrdersApi(this WebApplication app)
    {
        app.MapGet("/api/cart", () => new CartView(Cart.Lines, Cart.Fees, Cart.Total, Cart.Currency));

        app.MapPost("/api/orders", async (PlaceOrderRequest request, OrderBook orders, ProviderClient provider, StorefrontLink storefront, HttpContext http) =>
        {
            var approach = Names.ParseApproach(request.Approach);
            if (request.Method is not ("card" or "wallet") || approach is null || request.Email is not { Length: > 3 and < 200 } email || !email.Contains('@', StringComparison.Ordinal))
            {
                return Results.Problem(statusCode: 400, title: "Invalid order",
                    detail: "method must be card or wallet, approach webhook, polling or app-report, and email an e-mail address.");
            }
            var order = orders.Create(request.Method, approach.Value, email);
            var returnUrl = new Uri(storefront.Url, "order/" + order.Id);
            try
            {
                var payment = await provider.CreatePaymentAsync(order.Id, order.Total, order.Currency, request.Method, returnUrl, http.RequestAborted);
                orders.AttachPayment(order.Id, payment.PaymentId);
                return Results.Created($"/api/orders/{order.Id}", new PlaceOrderResponse(order.Id, payment.PaymentId, payment.PaymentUrl));
            }
            catch (HttpRequestException ex)
            {
                return Results.Problem(statusCode: 502, title: "The payment provider is unavailable", detail: ex.Message);
            }
        });

        app.MapGet("/api/orders/{id}", (string id, OrderBook orders) =>
            orders.Find(id) is { } order ? Results.Ok(order) : Results.NotFound());

        app.MapGet("/api/orders/{id}/events", (string id, OrderBook orders, OrderFeed feed, IHostApplicationLifetime lifetime, HttpContext http) =>
            orders.Find(id) is null
                ? Results.NotFound()
                : TypedResults.ServerSentEvents(Watch(id, orders, feed, lifetime.ApplicationStopping, http.RequestAborted), eventType: "order"));
    }

    /// <summary>The current order, then every change, until the page goes away or the backend stops.</summary>
    private static async IAsyncEnumerable<string> Watch(
        string id, OrderBook orders, OrderFeed feed, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        using var subscription = feed.Subscribe(id);
        // Subscribed first, so a change between this read and the loop is not missed.
        yield return Serialize(orders.Find(id)!);
        while (await WaitAsync(subscription, linked.Token))
        {
            while (subscription.Reader.TryRead(out var view))
            {
                yield return Serialize(view);
            }
        }
    }

    private static async Task<bool> WaitAsync(OrderFeed.Subscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            return await subscription.Reader.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static string Serialize(OrderView view) => JsonSerializer.Serialize(view, StoreJsonContext.Default.OrderView);
}
