namespace Herald.Storage;

/// <summary>
/// A store whose database is a file on this machine (SQLite): readiness also watches the free space on its disk.
/// </summary>
public interface ILocalDatabaseFile
{
    /// <summary>The database file's path as configured (relative to the working directory when not rooted).</summary>
    string DataSource { get; }
}
