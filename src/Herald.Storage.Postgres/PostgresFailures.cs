using System.Data.Common;
using Npgsql;

namespace Herald.Storage.Postgres;

/// <summary>Which PostgreSQL errors mean the database cannot serve right now (rather than a bad statement), and why.</summary>
public static class PostgresFailures
{
    public static bool IsOutage(DbException exception) => Classify(exception) is not null;

    /// <summary>The reason the database cannot take the request, or null for an error of the statement itself.</summary>
    public static StoreFailure? Classify(DbException exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.DiskFull } => StoreFailure.Full,
        // A standby, or a database set to default_transaction_read_only.
        PostgresException { SqlState: PostgresErrorCodes.ReadOnlySqlTransaction } => StoreFailure.ReadOnly,
        PostgresException { SqlState: PostgresErrorCodes.IoError } => StoreFailure.IoError,
        PostgresException { SqlState: "53200" or PostgresErrorCodes.TooManyConnections } => StoreFailure.Busy,
        // Connection exceptions (class 08), a server shutting down or starting up, other transient errors.
        PostgresException pg when pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState is "57P01" or "57P02" or "57P03"
            => StoreFailure.Unreachable,
        PostgresException => null,
        // Npgsql's own errors are about the connection (I/O, timeouts, a broken or exhausted pool).
        NpgsqlException => StoreFailure.Unreachable,
        _ => null,
    };
}
