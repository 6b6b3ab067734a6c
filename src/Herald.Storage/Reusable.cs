using System.Data.Common;

namespace Herald.Storage;

/// <summary>
/// A command created once and executed many times with new values, so a batch pays for one statement
/// preparation instead of one per row. Commands made by a <see cref="PreparedStatements"/> on the connection it
/// keeps outlive the batch and stay prepared for the next one.
/// </summary>
internal sealed class Reusable : IDisposable
{
    private readonly DbCommand _command;
    private readonly bool _kept;

    private Reusable(DbCommand command, bool kept)
    {
        _command = command;
        _kept = kept;
    }

    /// <summary>A command for this batch only: disposed with the <see cref="Reusable"/>.</summary>
    public static Reusable ForBatch(DbConnection connection, DbTransaction transaction, string sql, string[] parameterNames)
    {
        var command = NewCommand(connection, sql, parameterNames);
        command.Transaction = transaction;
        return new Reusable(command, kept: false);
    }

    /// <summary>A command kept by its owner beyond the batch: disposing the <see cref="Reusable"/> leaves it prepared.</summary>
    public static Reusable Kept(DbConnection connection, string sql, string[] parameterNames) =>
        new(NewCommand(connection, sql, parameterNames), kept: true);

    /// <summary>Enlists a kept command in the batch's transaction.</summary>
    public Reusable In(DbTransaction transaction)
    {
        _command.Transaction = transaction;
        return this;
    }

    /// <summary>Disposes a kept command; its owner does, when the connection closes.</summary>
    public void Release() => _command.Dispose();

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
