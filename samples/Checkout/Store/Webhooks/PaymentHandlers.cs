using Checkout.Store.Orders;
using Checkout.Store.Payments;
using Herald.Receiver;

namespace Checkout.Store.Webhooks;

// Herald.Receiver runs these after the webhook was verified, stored and acknowledged; a redelivered
// webhook-id never reaches them twice. They stay idempotent anyway: the order book pays an order once.

internal sealed class PaymentSucceededHandler(OrderBook orders, PaymentIntake intake) : IWebhookHandler<PaymentEvent>
{
    public async Task HandleAsync(WebhookContext<PaymentEvent> context, CancellationToken cancellationToken)
    {
        orders.RecordWebhookRun(context.Payload.OrderId, context.MessageId);
        await intake.AcceptAsync(context.Payload.ToNews(succeeded: true), Approach.Webhook, cancellationToken);
    }
}

internal sealed class PaymentFailedHandler(OrderBook orders, PaymentIntake intake) : IWebhookHandler<PaymentEvent>
{
    public async Task HandleAsync(WebhookContext<PaymentEvent> context, CancellationToken cancellationToken)
    {
        orders.RecordWebhookRun(context.Payload.OrderId, context.MessageId);
        await intake.AcceptAsync(context.Payload.ToNews(succeeded: false), Approach.Webhook, cancellationToken);
    }
}
