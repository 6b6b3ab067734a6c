using System.Globalization;
using Herald.Bench.Targets;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Bench.Faults;

/// <summary>Reads what Herald stored straight from its database, independently of the API under test.</summary>
internal static class StoreProbe
{
    /// <summary>Stored messages, and how many distinct client keys (the payload's <c>"key"</c>) they carry.</summary>
    public static async Task<(long Messages, long DistinctKeys)> CountMessagesAsync(HeraldStore store, CancellationToken cancellationToken)
    {
        if (store.IsPostgres)
        {
            await using var pg = new NpgsqlConnection(store.ConnectionString);
            await pg.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT payload::jsonb ->> 'key') FROM messages", pg);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
        await using var sqlite = new SqliteConnection(ReadOnly(store.ConnectionString));
        await sqlite.OpenAsync(cancellationToken);
        await using var count = sqlite.CreateCommand();
        count.CommandText = "SELECT COUNT(*), COUNT(DISTINCT json_extract(payload, '$.key')) FROM messages";
        await using var rows = await count.ExecuteReaderAsync(cancellationToken);
        await rows.ReadAsync(cancellationToken);
        return (rows.GetInt64(0), rows.GetInt64(1));
    }

    /// <summary>
    /// The bytes the database takes on disk: for SQLite the file plus its write-ahead log, for PostgreSQL
    /// <c>pg_database_size</c>.
    /// </summary>
    public static async Task<long> SizeAsync(HeraldStore store, CancellationToken cancellationToken)
    {
        if (store.IsPostgres)
        {
            await using var pg = new NpgsqlConnection(store.ConnectionString);
            await pg.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", pg);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        string file = SqliteFile(store.ConnectionString);
        return Length(file) + Length(file + "-wal");
    }

    public static string SqliteFile(string connectionString) => new SqliteConnectionStringBuilder(connectionString).DataSource;

    private static string ReadOnly(string connectionString) =>
        new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString;

    private static long Length(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }
}
