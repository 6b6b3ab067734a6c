using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Herald.Storage;

/// <summary>
/// A command created once and executed many times with new values, so a batch pays for one statement
/// preparation instead of one per row. On a connection registered with <see cref="KeepOn"/> (a long-lived
/// connection used by one caller at a time, such as SQLite's writer) the command outlives the batch and stays
/// prepared for the next one; the same SQL must then not be in use twice at once.
/// </summary>
internal sealed class Reusable : IDisposable
{
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, Reusable>> Kept = new();
    private readonly DbCommand _command;
    private readonly bool _kept;

    private Reusable(DbCommand command, bool kept)
    {
        _command = command;
        _kept = kept;
    }

    /// <summary>Keeps the commands created on <paramref name="connection"/> prepared until it is disposed.</summary>
    public static void KeepOn(DbConnection connection) => Kept.AddOrUpdate(connection, new Dictionary<string, Reusable>(StringComparer.Ordinal));

    /// <summary>Disposes the commands kept for <paramref name="connection"/>.</summary>
    public static void Forget(DbConnection connection)
    {
        if (Kept.TryGetValue(connection, out var commands))
        {
            foreach (var reusable in commands.Values)
            {
                reusable._command.Dispose();
            }
            Kept.Remove(connection);
        }
    }

    /// <param name="parameterNames">The names used in <paramref name="sql"/> after their <c>@</c>, in the order values are given.</param>
    public static Reusable Create(DbConnection connection, DbTransaction transaction, string sql, params string[] parameterNames)
    {
        if (Kept.TryGetValue(connection, out var commands))
        {
            if (!commands.TryGetValue(sql, out var kept))
            {
                kept = new Reusable(NewCommand(connection, sql, parameterNames), kept: true);
                commands[sql] = kept;
            }
            kept._command.Transaction = transaction;
            return kept;
        }
        var command = NewCommand(connection, sql, parameterNames);
        command.Transaction = transaction;
        return new Reusable(command, kept: false);
    }

    private static DbCommand NewCommand(DbConnection connection, string sql, string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name; // the exact token in the SQL: providers bind it without searching
            command.Parameters.Add(parameter);
        }
        return command;
    }

    public Task<int> RunAsync(CancellationToken cancellationToken, params object?[] values)
    {
        Bind(values);
        return _command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs with new values and returns the first column of the first row (an id from RETURNING).</summary>
    public async Task<long> ScalarAsync(CancellationToken cancellationToken, params object?[] values)
    {
        Bind(values);
        return Convert.ToInt64(await _command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs with new values and appends the first column of every row to <paramref name="into"/>.</summary>
    public async Task ReadLongsAsync(List<long> into, CancellationToken cancellationToken, params object?[] values)
    {
        Bind(values);
        await using var reader = await _command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            into.Add(reader.GetInt64(0));
        }
    }

    private void Bind(object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    public void Dispose()
    {
        if (!_kept)
        {
            _command.Dispose();
        }
    }
}
