using Herald.Outbox;
using Microsoft.Data.Sqlite;

namespace Checkout.Provider.Payments;

/// <summary>The provider's SQLite file: its payments and, beside them, the Herald outbox.</summary>
internal sealed class ProviderDatabase(string dataDirectory)
{
    public string ConnectionString { get; } = $"Data Source={Path.Combine(dataDirectory, "provider.db")}";

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        return connection;
    }

    public void EnsureCreated()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText =
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS payments (
                id TEXT PRIMARY KEY, order_id TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,
                method INTEGER NOT NULL, return_url TEXT NOT NULL, created_at INTEGER NOT NULL,
                status INTEGER NOT NULL, completed_at INTEGER, decline_reason TEXT);
            """;
        command.ExecuteNonQuery();
        // The relay creates the outbox table too, but a payment may finish before it has started.
        HeraldOutboxSchema.EnsureCreatedAsync(connection).GetAwaiter().GetResult();
    }
}
