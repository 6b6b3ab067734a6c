using Herald.Storage;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Tests.Statements;

/// <summary>Prepared statements belong to one store and one connection; nothing is shared through process-wide state.</summary>
public sealed class PreparedStatementsTests : IDisposable
{
    private const string Insert = "INSERT INTO t (v) VALUES (@v)";
    private readonly TempDirectory _dir = new();
    private readonly SqliteConnection _writer;
    private readonly SqliteConnection _other;

    public PreparedStatementsTests()
    {
        _writer = Open();
        using var create = _writer.CreateCommand();
        create.CommandText = "CREATE TABLE t (v INTEGER NOT NULL)";
        create.ExecuteNonQuery();
        _other = Open();
    }

    [Fact]
    public async Task On_the_kept_connection_a_statement_is_prepared_once_and_reused_by_every_batch()
    {
        using var statements = new PreparedStatements();
        statements.KeepOn(_writer);

        var first = await InsertAsync(statements, _writer, 1);
        var second = await InsertAsync(statements, _writer, 2);

        Assert.Same(first, second);
        Assert.Equal(2L, Count(_writer));
    }

    [Fact]
    public async Task On_any_other_connection_each_batch_gets_its_own_statement()
    {
        using var statements = new PreparedStatements();
        statements.KeepOn(_writer);

        var first = await InsertAsync(statements, _other, 1);
        var second = await InsertAsync(statements, _other, 2);

        Assert.NotSame(first, second);
        Assert.Equal(2L, Count(_other));
    }

    [Fact]
    public async Task Two_stores_on_the_same_connection_keep_nothing_for_each_other()
    {
        // The statements used to live in a static table keyed by connection: one store's kept connection was every store's.
        using var keeping = new PreparedStatements();
        using var notKeeping = new PreparedStatements();
        keeping.KeepOn(_writer);

        var a = await InsertAsync(notKeeping, _writer, 1);
        var b = await InsertAsync(notKeeping, _writer, 2);
        var kept = await InsertAsync(keeping, _writer, 3);

        Assert.NotSame(a, b);
        Assert.NotSame(a, kept);
        Assert.Same(kept, await InsertAsync(keeping, _writer, 4));
        Assert.Equal(4L, Count(_writer));
    }

    [Fact]
    public async Task Disposing_releases_the_kept_statements_and_keeps_no_more()
    {
        var statements = new PreparedStatements();
        statements.KeepOn(_writer);
        var kept = await InsertAsync(statements, _writer, 1);

        statements.Dispose();

        var after = await InsertAsync(statements, _writer, 2);
        Assert.NotSame(kept, after);
        Assert.NotSame(after, await InsertAsync(statements, _writer, 3));
        Assert.Equal(3L, Count(_writer));
    }

    [Fact]
    public void Statements_are_kept_on_one_connection_only()
    {
        using var statements = new PreparedStatements();
        statements.KeepOn(_writer);
        statements.KeepOn(_writer); // the same one again is harmless

        Assert.Throws<InvalidOperationException>(() => statements.KeepOn(_other));
    }

    private static async Task<Reusable> InsertAsync(PreparedStatements statements, SqliteConnection connection, long value)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var insert = statements.Create(connection, transaction, Insert, "v");
        using (insert)
        {
            await insert.RunAsync(CancellationToken.None, value);
        }
        await transaction.CommitAsync();
        return insert;
    }

    private static long Count(SqliteConnection connection)
    {
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM t";
        return (long)count.ExecuteScalar()!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection("Data Source=" + _dir.File("statements.db") + ";Pooling=False");
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _other.Dispose();
        _dir.Dispose();
    }
}
