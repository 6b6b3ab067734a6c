using Checkout.Composition;
using Microsoft.Extensions.Logging;

namespace Herald.Checkout.Tests.Composition;

/// <summary>What `dotnet run --project samples/Checkout` prints and leaves behind.</summary>
public sealed class CheckoutRunnerTests
{
    private static CheckoutSettings FreePorts(string token, string? dataDirectory = null) => new()
    {
        Ports = new PortSettings { Storefront = 0, Herald = 0, Provider = 0, Store = 0, Mailbox = 0, Smtp = 0 },
        HeraldAdminToken = token,
        DataDirectory = dataDirectory,
        TemporaryData = dataDirectory is null,
    };

    [Fact]
    public async Task The_banner_prints_the_token_itself_and_a_temporary_data_folder_is_deleted_on_stop()
    {
        var logger = new CollectingLogger();
        var runner = new CheckoutRunner(FreePorts("banner-token-7f3a"), TimeProvider.System, logger);

        await runner.StartAsync(CancellationToken.None);
        string banner = Assert.Single(logger.Messages, m => m.Contains("Checkout sample is running", StringComparison.Ordinal));
        string folder = banner.Split('\n').Single(l => l.Contains("Data folder:", StringComparison.Ordinal))
            .Split("Data folder:", 2)[1].Trim().Split("  (", 2)[0];
        bool existedWhileRunning = Directory.Exists(folder);
        await runner.StopAsync(CancellationToken.None);

        Assert.Contains("(Bearer token: banner-token-7f3a)", banner, StringComparison.Ordinal);
        Assert.DoesNotContain("Checkout:HeraldAdminToken", banner, StringComparison.Ordinal);
        Assert.Contains("deleted on exit", banner, StringComparison.Ordinal);
        Assert.True(existedWhileRunning, $"the data folder {folder} did not exist while the sample ran");
        Assert.StartsWith(Path.GetTempPath(), folder, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), $"the temporary data folder {folder} was left behind");
    }

    [Fact]
    public async Task A_configured_data_folder_is_kept()
    {
        using var directory = new Herald.Testing.TempDirectory();
        string configured = Path.Combine(directory.Path, "checkout-data");
        var logger = new CollectingLogger();
        var runner = new CheckoutRunner(FreePorts("t", configured), TimeProvider.System, logger);

        await runner.StartAsync(CancellationToken.None);
        await runner.StopAsync(CancellationToken.None);

        Assert.Contains(logger.Messages, m => m.Contains($"{configured}  (kept;", StringComparison.Ordinal));
        foreach (string file in new[] { "herald.db", "provider.db", "store.db", "store-inbox.db", "mailbox.db" })
        {
            Assert.True(File.Exists(Path.Combine(configured, file)), $"{file} should stay in the configured folder");
        }
    }

    private sealed class CollectingLogger : ILogger<CheckoutRunner>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
