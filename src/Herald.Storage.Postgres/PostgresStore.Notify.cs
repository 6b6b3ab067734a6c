using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Npgsql;

namespace Herald.Storage.Postgres;

public sealed partial class PostgresStore : IStoreWakeups
{
    /// <summary>The channel notified whenever a transaction makes deliveries due.</summary>
    public const string DeliveriesChannel = "herald_deliveries";

    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The shortest gap between two NOTIFYs this store sends; commits in between share the next one.</summary>
    private static readonly TimeSpan NotifyGap = TimeSpan.FromMilliseconds(5);

    // Set by WriteAsync for the transaction it runs; a write that queues deliveries, or changes applications, marks it.
    private readonly AsyncLocal<WriteMarks?> _marks = new();
    private readonly Channel<bool> _notifyRequests = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private Task _notifier = Task.CompletedTask;

    /// <summary>
    /// A NOTIFY sent inside every queuing transaction makes PostgreSQL serialize those commits on its notification
    /// queue lock. Instead, the transaction is only marked, and after its commit one NOTIFY is sent on behalf of
    /// every commit since the previous one (at most one per <see cref="NotifyGap"/>). If this process dies between a
    /// commit and its NOTIFY, the other nodes still find the work at their next poll.
    /// </summary>
    protected override Task AfterDeliveriesQueuedAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (_marks.Value is { } marks)
        {
            marks.Queued = true;
            return Task.CompletedTask;
        }
        return connection.ExecuteAsync(new CommandDefinition($"NOTIFY {DeliveriesChannel}", transaction: transaction, cancellationToken: cancellationToken));
    }

    private void StartNotifier() => _notifier = Task.Run(NotifyLoopAsync);

    private void RequestNotify() => _notifyRequests.Writer.TryWrite(true);

    private async Task NotifyLoopAsync()
    {
        await foreach (var _ in _notifyRequests.Reader.ReadAllAsync())
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync();
                await connection.ExecuteAsync($"NOTIFY {DeliveriesChannel}");
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                // Listeners wake themselves when they reconnect, and every dispatcher polls.
            }
            await Task.Delay(NotifyGap, TimeProvider.System);
        }
    }

    private async Task StopNotifierAsync()
    {
        _notifyRequests.Writer.TryComplete();
        await _notifier;
    }

    /// <inheritdoc cref="ListenAsync(Action, Action{Exception}?, CancellationToken)"/>
    public Task ListenAsync(Action onNotify, CancellationToken cancellationToken) => ListenAsync(onNotify, null, cancellationToken);

    /// <summary>
    /// Listens on <see cref="DeliveriesChannel"/> until cancelled, calling <paramref name="onNotify"/> for each
    /// notification from any node. It is also called once after every (re)connect, because notifications sent
    /// while the listener was disconnected are lost. Connection failures are reported to
    /// <paramref name="onError"/> and retried with exponential backoff (250 ms up to 30 s).
    /// </summary>
    public Task ListenAsync(Action onNotify, Action<Exception>? onError, CancellationToken cancellationToken) =>
        ListenAsync(new Dictionary<string, Action<string>> { [DeliveriesChannel] = _ => onNotify() }, onNotify, onError, cancellationToken);

    /// <summary>
    /// Listens on each of <paramref name="channels"/> on one connection until cancelled, calling its handler with
    /// each notification's payload; <paramref name="onConnected"/> runs after every (re)connect, since notifications
    /// sent while disconnected are lost. Failures are reported to <paramref name="onError"/> and retried with
    /// exponential backoff (250 ms up to 30 s).
    /// </summary>
    public async Task ListenAsync(IReadOnlyDictionary<string, Action<string>> channels, Action onConnected, Action<Exception>? onError, CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listenSource.OpenConnectionAsync(cancellationToken);
                connection.Notification += (_, e) =>
                {
                    if (channels.TryGetValue(e.Channel, out var handler))
                    {
                        handler(e.Payload);
                    }
                };
                foreach (var channel in channels.Keys)
                {
                    await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }
                backoff = MinBackoff;
                onConnected();
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

    /// <summary>What a write did that needs doing something about after its commit.</summary>
    private sealed class WriteMarks
    {
        public bool Queued { get; set; }

        public bool ApplicationsChanged { get; set; }
    }
}
