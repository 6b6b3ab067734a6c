using System.Data.Common;
using Herald.Storage;

namespace Herald.Server.Health;

/// <summary>Names the real cause of a store failure, for problem bodies and readiness.</summary>
internal static class StoreFailures
{
    public static StoreFailure Of(Exception exception) => exception switch
    {
        StoreUnavailableException unavailable => unavailable.Reason,
        StoreOutcomeUnknownException unknown => unknown.Reason,
        DbException db => Herald.Storage.Sqlite.SqliteFailures.Classify(db) ?? Herald.Storage.Postgres.PostgresFailures.Classify(db) ?? StoreFailure.Unreachable,
        _ => StoreFailure.Unreachable,
    };

    public static string Describe(StoreFailure failure) => failure switch
    {
        StoreFailure.Full => "The storage is full.",
        StoreFailure.ReadOnly => "The storage is read-only.",
        StoreFailure.Busy => "The database is busy.",
        StoreFailure.IoError => "The storage failed to read or write (I/O error).",
        _ => "The database is not reachable.",
    };

    /// <summary>The <c>code</c> of a readiness problem: <c>storage_full</c>, <c>storage_read_only</c>, …</summary>
    public static string Code(StoreFailure failure) => failure switch
    {
        StoreFailure.Full => "storage_full",
        StoreFailure.ReadOnly => "storage_read_only",
        StoreFailure.Busy => "store_busy",
        StoreFailure.IoError => "storage_io_error",
        _ => "store_unreachable",
    };
}
