using System.Diagnostics;
using Herald.Bench.Infrastructure;
using Herald.Bench.Sink;
using Herald.Bench.Targets;

namespace Herald.Bench.Scenarios;

/// <summary>What every scenario shares: options, the server build, the sink, a scratch folder and the results.</summary>
internal sealed class BenchContext(BenchOptions options, string serverDll, SinkProcess sink, string workDir, Postgres? postgres)
{
    public BenchOptions Options { get; } = options;
    public string ServerDll { get; } = serverDll;
    public SinkProcess Sink { get; } = sink;
    public string WorkDir { get; } = workDir;
    public Postgres? Postgres { get; } = postgres;
    public Results Results { get; } = new();

    /// <summary>A fresh, empty store for one scenario.</summary>
    public async Task<HeraldStore> NewStoreAsync(string kind, string name, CancellationToken cancellationToken)
    {
        if (kind == "sqlite")
        {
            string file = Path.Combine(WorkDir, name + ".db");
            DeleteSqliteFiles(file);
            return new HeraldStore("SQLite", "sqlite", $"Data Source={file}");
        }
        var pg = Postgres ?? throw new InvalidOperationException("PostgreSQL is not available.");
        return new HeraldStore("PostgreSQL", "postgres", await pg.CreateDatabaseAsync(name, cancellationToken));
    }

    /// <summary>
    /// Removes a scenario's store once it is done with it (its servers stopped): the SQLite files, or the PostgreSQL
    /// database, whose dead rows autovacuum would otherwise clean up while a later scenario is timed.
    /// </summary>
    public async Task DropStoreAsync(HeraldStore store, CancellationToken cancellationToken)
    {
        if (store.IsPostgres)
        {
            await Postgres!.DropDatabaseAsync(store.ConnectionString, cancellationToken);
            return;
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        DeleteSqliteFiles(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(store.ConnectionString).DataSource);
    }

    private static void DeleteSqliteFiles(string file)
    {
        foreach (var f in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(f);
        }
    }

    /// <summary>Times a step for the report's timing table.</summary>
    public async Task<T> TimedAsync<T>(string step, Func<Task<T>> work)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            return await work();
        }
        finally
        {
            Results.Timings.Add((step, sw.Elapsed.TotalSeconds));
        }
    }
}
