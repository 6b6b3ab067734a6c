using System.Data.Common;
using Herald.Storage.Sqlite;
using Herald.Testing;
using Microsoft.Data.Sqlite;

namespace Herald.Storage.Tests.Sqlite;

/// <summary>The SQLite writer's background lane: upkeep waits for a moment when nothing else is queued.</summary>
public sealed class GroupCommitWriterTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }

    [Fact]
    public async Task Background_work_runs_after_the_queued_writes_and_in_a_transaction_of_its_own()
    {
        var connection = new SqliteConnection($"Data Source={_directory.File("writer.db")};Pooling=False");
        connection.Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE t (name TEXT)";
            wal.ExecuteNonQuery();
        }
        await using var writer = new GroupCommitWriter(connection, durable: false, () => { });
        var order = new List<(string Name, DbTransaction Transaction)>();
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<DbConnection, DbTransaction, Task<int>> Write(string name, Task? waitFor = null) => async (c, t) =>
        {
            held.TrySetResult();
            if (waitFor is not null)
            {
                await waitFor;
            }
            lock (order)
            {
                order.Add((name, t));
            }
            await using var insert = c.CreateCommand();
            insert.Transaction = t;
            insert.CommandText = $"INSERT INTO t VALUES ('{name}')";
            return await insert.ExecuteNonQueryAsync();
        };

        // The writer is busy with a first write while background work and three more writes queue.
        var first = writer.EnqueueAsync(Write("first", hold.Task), durable: false, CancellationToken.None);
        await held.Task;
        var background = writer.EnqueueWhenIdleAsync(Write("background"));
        var rest = Enumerable.Range(1, 3).Select(i => writer.EnqueueAsync(Write($"w{i}"), durable: false, CancellationToken.None)).ToList();
        hold.SetResult();
        await Task.WhenAll([first, background, .. rest]);

        Assert.Equal(["first", "w1", "w2", "w3", "background"], order.Select(o => o.Name));
        Assert.Same(order[1].Transaction, order[3].Transaction); // the queued writes shared one batch
        Assert.NotSame(order[3].Transaction, order[4].Transaction);
        // With nothing queued, background work runs at once.
        Assert.Equal(1, await writer.EnqueueWhenIdleAsync(Write("alone")));
    }
}
