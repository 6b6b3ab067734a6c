using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Outbox.Relay;

/// <summary>Runs relay rounds back to back while there is work, and every poll interval otherwise.</summary>
// The relay (and so the HeraldClient) is resolved only when relaying is enabled: a producer may only enqueue.
internal sealed class OutboxRelayService(Lazy<OutboxRelay> relay, OutboxStore store, IOptions<HeraldOutboxOptions> options, TimeProvider time, ILogger<OutboxRelayService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.RelayEnabled)
        {
            return;
        }
        if (options.Value.CreateSchema)
        {
            // Before the host serves anything, so producers can enqueue from their first request.
            await store.EnsureSchemaAsync(cancellationToken);
        }
        _ = relay.Value;
        Log.Started(logger, store.Provider);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int sent;
            try
            {
                sent = await relay.Value.RunRoundAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database was unreachable or a statement failed: nothing was marked that was not sent.
                Log.RoundFailed(logger, ex);
                sent = 0;
            }
            if (sent == 0)
            {
                try
                {
                    await Task.Delay(options.Value.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
