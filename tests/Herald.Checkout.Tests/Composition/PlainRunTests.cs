using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Herald.Checkout.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Checkout.Tests.Composition;

/// <summary>`dotnet run --project samples/Checkout` without settings: its data lives in a kept folder, so a restart loses nothing.</summary>
public sealed partial class PlainRunTests
{
    // Free ports only, so the run does not depend on 5100-5104 and 2525 being free; everything else is the default.
    private static readonly string[] FreePorts =
    [
        "--Checkout:Ports:Storefront=0", "--Checkout:Ports:Herald=0", "--Checkout:Ports:Provider=0",
        "--Checkout:Ports:Store=0", "--Checkout:Ports:Mailbox=0", "--Checkout:Ports:Smtp=0",
    ];

    [Fact]
    public async Task A_run_without_a_data_folder_keeps_its_orders_in_local_application_data_across_a_kill()
    {
        using var home = new TempDirectory();
        // Where .NET puts the local application data folder on Linux.
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = home.Path };
        string expectedFolder = Path.Combine(home.Path, "herald-checkout");

        string orderId;
        await using (var first = CheckoutProcess.Start(FreePorts, environment))
        {
            string folderLine = await first.WaitForLineAsync("Data folder:");
            Assert.Contains($"{expectedFolder}  (kept;", folderLine, StringComparison.Ordinal);
            using var store = new HttpClient { BaseAddress = await StoreUrlAsync(first) };
            using var created = await store.PostAsJsonAsync("api/orders", new { method = "card", approach = "webhook", email = "shopper@example.com" });
            orderId = (string)(await TestCheckout.ReadAsync(created, 201))["orderId"]!;
            await first.KillAsync();
        }

        await using var second = CheckoutProcess.Start(FreePorts, environment);
        Assert.Contains($"{expectedFolder}  (kept;", await second.WaitForLineAsync("Data folder:"), StringComparison.Ordinal);
        using var restarted = new HttpClient { BaseAddress = await StoreUrlAsync(second) };
        var order = await TestCheckout.ReadAsync(await restarted.GetAsync($"api/orders/{orderId}"), 200);
        Assert.Equal("pending", (string)order["status"]!);
        foreach (string file in new[] { "herald.db", "provider.db", "store.db", "store-inbox.db", "mailbox.db" })
        {
            Assert.True(File.Exists(Path.Combine(expectedFolder, file)), $"{file} should be in the kept folder");
        }
    }

    private static async Task<Uri> StoreUrlAsync(CheckoutProcess process) =>
        new(StoreUrl().Match(await process.WaitForLineAsync("Store backend:")).Value);

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/")]
    private static partial Regex StoreUrl();
}
