using Microsoft.Playwright;

namespace Herald.Server.Tests.Dashboard;

/// <summary>Debian's headless Chromium driven by Playwright (never a downloaded browser), and where screenshots go.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"{ExecutablePath} is missing. Install Debian's Chromium: apt-get update && apt-get install -y chromium");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }

    /// <summary>Saves a full-page screenshot in <see cref="Herald.Testing.Screenshots.Folder"/> (the test output, or docs/screenshots via scripts/screenshots.sh).</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Herald.Testing.Screenshots.PathFor(name), FullPage = true });
    }
}
