using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Sqlite;

/// <summary>Which SQLite errors mean the database cannot serve right now (rather than a bad statement).</summary>
public static class SqliteFailures
{
    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_NOMEM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_PROTOCOL
    private static readonly int[] OutageCodes = [5, 6, 7, 8, 10, 13, 14, 15];

    public static bool IsOutage(DbException exception) =>
        exception is SqliteException sqlite && OutageCodes.Contains(sqlite.SqliteErrorCode);
}
