namespace Checkout.Store.Orders;

internal sealed record CartLine(string Sku, string Name, int Quantity, long UnitPrice);

/// <summary>The one cart of the seed story; amounts in cents.</summary>
internal static class Cart
{
    public const string Currency = "USD";
    public const long Fees = 50;

    public static IReadOnlyList<CartLine> Lines { get; } =
    [
        new("lindt-box", "Lindt chocolate box", 1, 2400),
        new("feastables-bar", "Feastables bar", 1, 250),
    ];

    public static long Total { get; } = Lines.Sum(l => l.Quantity * l.UnitPrice) + Fees;
}
