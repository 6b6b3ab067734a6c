using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Sqlite;

/// <summary>Which SQLite errors mean the database cannot serve right now (rather than a bad statement), and why.</summary>
public static class SqliteFailures
{
    public static bool IsOutage(DbException exception) => Classify(exception) is not null;

    /// <summary>The reason the database cannot take the request, or null for an error of the statement itself.</summary>
    public static StoreFailure? Classify(DbException exception) => exception is SqliteException sqlite ? Classify(sqlite.SqliteErrorCode) : null;

    /// <summary>The reason for a primary SQLite result code, or null when it is no outage.</summary>
    public static StoreFailure? Classify(int code) => code switch
    {
        5 or 6 or 7 or 15 => StoreFailure.Busy, // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_PROTOCOL
        8 => StoreFailure.ReadOnly,               // SQLITE_READONLY
        10 => StoreFailure.IoError,               // SQLITE_IOERR
        13 => StoreFailure.Full,                  // SQLITE_FULL: the disk, or the database's max_page_count
        14 => StoreFailure.Unreachable,           // SQLITE_CANTOPEN
        _ => null,
    };
}
