namespace Herald.Storage;

public sealed class DuplicateException(string message) : Exception(message);

/// <summary>The database cannot take the request now; nothing was stored. <see cref="Reason"/> says why.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null, StoreFailure reason = StoreFailure.Unreachable) : Exception(message, inner)
{
    public StoreFailure Reason => reason;
}

/// <summary>
/// A write whose commit was started but whose outcome is unknown (the connection was lost during COMMIT, or the
/// disk failed after it began): it may have been stored. Repeating it is only safe when it is idempotent.
/// </summary>
public sealed class StoreOutcomeUnknownException(string message, Exception? inner = null, StoreFailure reason = StoreFailure.Unreachable) : Exception(message, inner)
{
    public StoreFailure Reason => reason;
}

/// <summary>Why the store cannot take writes.</summary>
public enum StoreFailure
{
    /// <summary>The database cannot be reached (down, network, connections exhausted, timeouts).</summary>
    Unreachable,
    /// <summary>The disk or the database's size limit is full.</summary>
    Full,
    /// <summary>The database or its file is read-only.</summary>
    ReadOnly,
    /// <summary>The database is busy (locked) or out of memory; it may pass.</summary>
    Busy,
    /// <summary>The disk failed to read or write.</summary>
    IoError,
}
