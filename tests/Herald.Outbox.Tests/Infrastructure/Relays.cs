using Herald.Client;
using Herald.Outbox.Relay;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Herald.Outbox.Tests.Infrastructure;

/// <summary>An in-process relay over a test database, driven round by round.</summary>
internal static class Relays
{
    public static OutboxRelay Create(OutboxDatabase db, HeraldClient client, TimeProvider time, OutboxMetrics? metrics = null, Action<HeraldOutboxOptions>? configure = null)
    {
        var options = new HeraldOutboxOptions { Provider = db.Provider, ConnectionString = db.ConnectionString, BatchSize = 5 };
        configure?.Invoke(options);
        OutboxStore store = db.Provider == OutboxProvider.PostgreSql ? new PostgresOutboxStore(options) : new SqliteOutboxStore(options);
        return new OutboxRelay(store, client, Options.Create(options), time, metrics ?? new OutboxMetrics(null), NullLogger<OutboxRelay>.Instance);
    }

    /// <summary>Runs rounds until a round sends nothing; returns how many rows were sent.</summary>
    public static async Task<int> DrainAsync(this OutboxRelay relay)
    {
        int total = 0;
        for (int round = 0; round < 1000; round++)
        {
            int sent = await relay.RunRoundAsync(CancellationToken.None);
            if (sent == 0)
            {
                return total;
            }
            total += sent;
        }
        throw new InvalidOperationException("The relay kept sending for 1000 rounds.");
    }
}
