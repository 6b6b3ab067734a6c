using System.Data.Common;

namespace Herald.Storage;

/// <summary>
/// The <see cref="Reusable"/> commands of one store. On the one connection it keeps (a long-lived connection used by
/// one caller at a time, such as SQLite's writer) a command stays prepared from one batch to the next, so the same
/// SQL must then not be in use twice at once; on any other connection each batch gets a command of its own. Owned by
/// its store, never shared between stores.
/// </summary>
internal sealed class PreparedStatements : IDisposable
{
    private readonly Dictionary<string, Reusable> _kept = new(StringComparer.Ordinal);
    private DbConnection? _connection;

    /// <summary>Keeps the commands created on <paramref name="connection"/> prepared until <see cref="Dispose"/>.</summary>
    public void KeepOn(DbConnection connection)
    {
        if (_connection is not null && !ReferenceEquals(_connection, connection))
        {
            throw new InvalidOperationException("Statements are kept prepared on one connection only.");
        }
        _connection = connection;
    }

    /// <param name="parameterNames">The names used in <paramref name="sql"/> after their <c>@</c>, in the order values are given.</param>
    public Reusable Create(DbConnection connection, DbTransaction transaction, string sql, params string[] parameterNames)
    {
        if (!ReferenceEquals(connection, _connection))
        {
            return Reusable.ForBatch(connection, transaction, sql, parameterNames);
        }
        if (!_kept.TryGetValue(sql, out var kept))
        {
            kept = Reusable.Kept(connection, sql, parameterNames);
            _kept[sql] = kept;
        }
        return kept.In(transaction);
    }

    /// <summary>Disposes the kept commands, before their connection closes; later commands are per batch.</summary>
    public void Dispose()
    {
        foreach (var reusable in _kept.Values)
        {
            reusable.Release();
        }
        _kept.Clear();
        _connection = null;
    }
}
