using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Outbox;

/// <summary>The databases the outbox table can live in.</summary>
public enum OutboxProvider
{
    /// <summary>SQLite through Microsoft.Data.Sqlite.</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql.</summary>
    PostgreSql,
}

internal static class OutboxProviders
{
    public static OutboxProvider Of(DbConnection? connection) => connection switch
    {
        SqliteConnection => OutboxProvider.Sqlite,
        NpgsqlConnection => OutboxProvider.PostgreSql,
        null => throw new ArgumentException("The transaction has no connection (was it committed or rolled back already?)."),
        _ => throw new NotSupportedException($"Herald.Outbox supports SQLite (Microsoft.Data.Sqlite) and PostgreSQL (Npgsql), not {connection.GetType().Name}."),
    };
}
