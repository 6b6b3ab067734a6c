using System.Globalization;
using System.Net;
using Checkout.Provider.Payments;

namespace Checkout.Provider.PaymentStep;

/// <summary>The provider's HTML, rendered on the server; every dynamic value is encoded.</summary>
internal static class PaymentStepPages
{
    public static string Step(Payment p) => Page("Pay Chocolate Corner", $"""
        <p class="merchant">Chocolate Corner &middot; order <code>{E(p.OrderId)}</code></p>
        <p class="amount" id="amount">{Money(p)}</p>
        <form method="post" action="/pay/{E(p.Id)}" aria-label="Payment">
        {(p.Method == PaymentMethod.Card ? CardFields() : WalletFields())}
          <button type="submit" id="pay">{(p.Method == PaymentMethod.Card ? "Pay " + Money(p) : "Confirm with wallet")}</button>
        </form>
        <p class="hint">Test cards: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 is declined.</p>
        """);

    public static string Result(Payment p, TimeSpan returnDelay)
    {
        bool ok = p.Status == PaymentStatus.Succeeded;
        var back = new Uri(p.ReturnUrl.AbsoluteUri + (p.ReturnUrl.Query.Length > 0 ? "&" : "?") + "payment=" + (ok ? "succeeded" : "failed"));
        int delayMs = (int)returnDelay.TotalMilliseconds;
        return Page(ok ? "Payment approved" : "Payment declined", $$"""
            <h2 id="payment-result" role="status">{{(ok ? "Payment approved" : "Payment declined")}}</h2>
            <p>{{(ok ? Money(p) + " paid to Chocolate Corner." : E(p.DeclineReason ?? "The payment did not go through."))}}</p>
            <p>Returning to the shop in {{(delayMs / 1000.0).ToString("0.#", CultureInfo.InvariantCulture)}} s&hellip;
               <a id="return" href="{{E(back.AbsoluteUri)}}">Return to the shop now</a></p>
            <script>setTimeout(function () { location.assign(document.getElementById('return').href); }, {{delayMs}});</script>
            """);
    }

    public static string Unknown() => Page("Payment not found", "<p>This payment does not exist.</p>");

    private static string CardFields() => """
          <label for="card-number">Card number</label>
          <input id="card-number" name="card-number" inputmode="numeric" autocomplete="cc-number" required value="">
          <div class="row">
            <span><label for="card-expiry">Expiry (MM/YY)</label>
            <input id="card-expiry" name="card-expiry" autocomplete="cc-exp" required></span>
            <span><label for="card-cvc">CVC</label>
            <input id="card-cvc" name="card-cvc" inputmode="numeric" autocomplete="cc-csc" required></span>
          </div>
          <label for="card-name">Name on card</label>
          <input id="card-name" name="card-name" autocomplete="cc-name" required>
        """;

    private static string WalletFields() => """
          <p id="wallet">Your wallet <strong>&bull;&bull;&bull;&bull; 1881</strong> will be charged.</p>
        """;

    private static string Money(Payment p) =>
        (p.Currency == "USD" ? "$" : p.Currency + " ") + (p.Amount / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private static string E(string value) => WebUtility.HtmlEncode(value);

    private static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · PayWise</title>
        <style>
          body { font-family: system-ui, sans-serif; background: #eef1f6; margin: 0; }
          main { max-width: 26rem; margin: 3rem auto; background: #fff; border-radius: 12px; padding: 1.5rem 2rem; box-shadow: 0 2px 12px #0002; }
          header { font-weight: 700; color: #3b4cca; letter-spacing: .03em; }
          .amount { font-size: 2rem; font-weight: 700; margin: .2rem 0 1rem; }
          label { display: block; font-size: .85rem; margin-top: .7rem; color: #444; }
          input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #bbc; border-radius: 6px; }
          .row { display: flex; gap: 1rem; } .row span { flex: 1; }
          button { margin-top: 1.2rem; width: 100%; padding: .7rem; font-size: 1.05rem; background: #3b4cca; color: #fff; border: 0; border-radius: 6px; cursor: pointer; }
          .hint, .merchant { color: #667; font-size: .85rem; }
        </style></head>
        <body><main><header>PayWise &middot; secure payment</header>
        {{body}}
        </main></body></html>
        """;
}
