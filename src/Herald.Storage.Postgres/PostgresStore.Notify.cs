using System.Data.Common;
using Dapper;
using Npgsql;

namespace Herald.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>The channel notified whenever a transaction makes deliveries due.</summary>
    public const string DeliveriesChannel = "herald_deliveries";

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    // NOTIFY inside the transaction is delivered on commit and dropped on rollback.
    protected override Task AfterDeliveriesQueuedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition($"NOTIFY {DeliveriesChannel}", transaction: transaction, cancellationToken: cancellationToken));

    /// <inheritdoc cref="ListenAsync(Action, Action{Exception}?, CancellationToken)"/>
    public Task ListenAsync(Action onNotify, CancellationToken cancellationToken) => ListenAsync(onNotify, null, cancellationToken);

    /// <summary>
    /// Listens on <see cref="DeliveriesChannel"/> until cancelled, calling <paramref name="onNotify"/> for each
    /// notification from any node. It is also called once after every (re)connect, because notifications sent
    /// while the listener was disconnected are lost. Connection failures are reported to
    /// <paramref name="onError"/> and retried with exponential backoff (250 ms up to 30 s).
    /// </summary>
    public async Task ListenAsync(Action onNotify, Action<Exception>? onError, CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listenSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, _) => onNotify();
                await using (var listen = new NpgsqlCommand($"LISTEN {DeliveriesChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }
                backoff = MinBackoff;
                onNotify();
                while (true)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                onError?.Invoke(ex);
            }
            try
            {
                await Task.Delay(backoff, _time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }
}
