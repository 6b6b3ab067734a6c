namespace Checkout.Composition;

/// <summary>Starts the hosts with the console app and stops them with it.</summary>
internal sealed partial class CheckoutRunner(CheckoutSettings settings, TimeProvider time, ILogger<CheckoutRunner> logger) : IHostedService
{
    private CheckoutSystem? _system;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _system = await CheckoutSystem.StartAsync(settings, time, cancellationToken);
        Started(logger, _system.StorefrontUrl, new Uri(_system.StorefrontUrl, "compare"), _system.StoreUrl, _system.ProviderUrl,
            _system.Provider is null ? "its own process" : "in this process", _system.MailboxUrl, _system.SmtpEndPoint.ToString(),
            _system.HeraldUrl, settings.HeraldAdminToken, _system.DataDirectory,
            _system.OwnsDataDirectory ? "temporary, deleted on exit" : "kept; delete it to start afresh");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = """
        Checkout sample is running.
          Storefront (open this):   {Storefront}
          Comparison report:        {Compare}
          Store backend:            {Store}  (POST /admin/down, /admin/up)
          Payment provider:         {Provider}  ({ProviderProcess})
          Mailbox (e-mails):        {Mailbox}  (SMTP {Smtp})
          Herald API:               {Herald}api/v1  (Bearer token: {HeraldAdminToken})
          Data folder:              {DataDirectory}  ({DataFolderLifetime})
        Press Ctrl+C to stop.
        """)]
    private static partial void Started(ILogger logger, Uri storefront, Uri compare, Uri store, Uri provider, string providerProcess, Uri mailbox, string smtp, Uri herald, string heraldAdminToken, string dataDirectory, string dataFolderLifetime);
}
