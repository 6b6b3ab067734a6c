using System.Data.Common;

namespace Herald.Storage;

/// <summary>
/// A command created once and executed many times with new values, so a batch pays for one statement
/// preparation instead of one per row.
/// </summary>
internal sealed class Reusable : IDisposable
{
    private readonly DbCommand _command;

    private Reusable(DbCommand command) => _command = command;

    public static Reusable Create(DbConnection connection, DbTransaction transaction, string sql, params string[] parameterNames)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }
        return new Reusable(command);
    }

    public Task<int> RunAsync(CancellationToken cancellationToken, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return _command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs with new values and returns the first column of the first row (an id from RETURNING).</summary>
    public async Task<long> ScalarAsync(CancellationToken cancellationToken, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            _command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
        return Convert.ToInt64(await _command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _command.Dispose();
}
