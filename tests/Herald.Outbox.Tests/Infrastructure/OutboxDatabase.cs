using System.Data.Common;
using Dapper;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Outbox.Tests.Infrastructure;

/// <summary>A fresh producer database holding the outbox table: a SQLite file, or a new PostgreSQL database.</summary>
internal sealed class OutboxDatabase : IAsyncDisposable
{
    private readonly TempDirectory? _dir;

    private OutboxDatabase(OutboxProvider provider, string connectionString, TempDirectory? dir)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _dir = dir;
    }

    public OutboxProvider Provider { get; }

    public string ConnectionString { get; }

    public static async Task<OutboxDatabase> CreateAsync(OutboxProvider provider, bool withSchema = true)
    {
        OutboxDatabase db;
        if (provider == OutboxProvider.Sqlite)
        {
            var dir = new TempDirectory();
            // No pooling: a test's deleted folder must not keep open handles.
            db = new OutboxDatabase(provider, $"Data Source={dir.File("producer.db")};Pooling=False", dir);
        }
        else
        {
            db = new OutboxDatabase(provider, await PostgresServer.CreateDatabaseAsync("outbox"), null);
        }
        if (withSchema)
        {
            await using var connection = await db.OpenAsync();
            await HeraldOutboxSchema.EnsureCreatedAsync(connection);
        }
        return db;
    }

    public async Task<DbConnection> OpenAsync()
    {
        DbConnection connection = Provider == OutboxProvider.Sqlite ? new SqliteConnection(ConnectionString) : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Enqueues one row per event in its own committed transaction, in the order given.</summary>
    public async Task EnqueueAsync(HeraldOutbox outbox, params (string App, string EventId)[] events)
    {
        await using var connection = await OpenAsync();
        foreach (var (app, eventId) in events)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await outbox.EnqueueAsync(tx, app, "payment.succeeded", Payloads.Payment(eventId), eventId);
            await tx.CommitAsync();
        }
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    public Task<long> PendingAsync() => ScalarAsync("SELECT COUNT(*) FROM herald_outbox WHERE sent_at IS NULL AND failed_at IS NULL");

    public async ValueTask DisposeAsync()
    {
        if (_dir is not null)
        {
            _dir.Dispose();
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }
    }
}

internal static class Payloads
{
    public static System.Text.Json.JsonElement Payment(string id) =>
        System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["paymentId"] = id, ["amount"] = 2700, ["currency"] = "USD" });
}
