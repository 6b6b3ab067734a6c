namespace Checkout.Store.Comparison;

internal static class ComparisonApi
{
    public static void MapComparisonApi(this WebApplication app) =>
        app.MapGet("/api/compare", (ComparisonReport report) => report.Build());
}
