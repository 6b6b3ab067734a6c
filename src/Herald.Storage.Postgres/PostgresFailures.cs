using System.Data.Common;
using Npgsql;

namespace Herald.Storage.Postgres;

/// <summary>Which PostgreSQL errors mean the database cannot serve right now (rather than a bad statement).</summary>
public static class PostgresFailures
{
    public static bool IsOutage(DbException exception) => exception switch
    {
        // Connection exceptions (class 08) and a server shutting down or starting up.
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03",
        // Npgsql's own errors are about the connection (I/O, timeouts, a broken or exhausted pool).
        NpgsqlException => true,
        _ => false,
    };
}
