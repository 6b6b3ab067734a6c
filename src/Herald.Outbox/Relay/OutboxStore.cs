using System.Data.Common;
using Dapper;

namespace Herald.Outbox.Relay;

/// <summary>
/// The relay's view of the outbox table. Reading and marking are the same SQL on both databases; they differ in
/// how an application's rows are held while they are sent (<see cref="OpenAsync"/>).
/// </summary>
internal abstract class OutboxStore(HeraldOutboxOptions options)
{
    private const string Pending = "sent_at IS NULL AND failed_at IS NULL";

    protected HeraldOutboxOptions Options => options;

    public abstract OutboxProvider Provider { get; }

    protected abstract DbConnection NewConnection();

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = NewConnection();
        await HeraldOutboxSchema.EnsureCreatedAsync(connection, cancellationToken);
    }

    /// <summary>Applications whose oldest unsent row is due, the longest waiting first.</summary>
    public async Task<IReadOnlyList<string>> DueApplicationsAsync(long now, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var apps = await connection.QueryAsync<string>(new CommandDefinition(
            $"""
            SELECT h.app_id FROM herald_outbox h
            JOIN (SELECT app_id, MIN(id) AS id FROM herald_outbox WHERE {Pending} GROUP BY app_id) f ON h.id = f.id
            WHERE h.next_attempt_at <= @now ORDER BY h.id LIMIT @max
            """,
            new { now, max }, cancellationToken: cancellationToken));
        return apps.AsList();
    }

    /// <summary>
    /// The application's oldest unsent rows, held for this relay until the batch is disposed; null when another
    /// relay holds them.
    /// </summary>
    public abstract Task<OutboxBatch?> OpenAsync(string appId, int max, CancellationToken cancellationToken);

    /// <summary>Rows still to send, and when the oldest of them was enqueued (Unix ms).</summary>
    public async Task<(long Depth, long? OldestCreatedAt)> MeasureAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(long, long?)>(new CommandDefinition(
            $"SELECT COUNT(*), MIN(created_at) FROM herald_outbox WHERE {Pending}", cancellationToken: cancellationToken));
        return row;
    }

    /// <summary>Deletes archived rows sent before <paramref name="cutoff"/>.</summary>
    public async Task<int> PruneAsync(long cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM herald_outbox WHERE sent_at IS NOT NULL AND sent_at < @cutoff", new { cutoff }, cancellationToken: cancellationToken));
    }

    protected async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = NewConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected static async Task<IReadOnlyList<OutboxRow>> ReadRowsAsync(DbConnection connection, DbTransaction? transaction, string appId, int max, string suffix, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"SELECT {OutboxRow.Columns} FROM herald_outbox WHERE app_id = @appId AND {Pending} ORDER BY id LIMIT @max {suffix}",
            new { appId, max }, transaction, cancellationToken: cancellationToken))).AsList();
}
