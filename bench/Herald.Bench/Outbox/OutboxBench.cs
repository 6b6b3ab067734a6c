using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Herald.Bench.Infrastructure;
using Herald.Bench.Targets;
using Herald.Client;
using Herald.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Herald.Bench.Outbox;

/// <summary>
/// <c>bench outbox [--messages N] [--postgres CONNSTRING]</c>: what the outbox costs the producer's transaction
/// (µs per enqueue, against the same transaction without it) and how fast the relay empties it into a local Herald.
/// </summary>
internal static class OutboxBench
{
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        int messages = Arg(args, "--messages") is { } m ? int.Parse(m, CultureInfo.InvariantCulture) : 5000;
        string? postgres = Arg(args, "--postgres");
        string work = Path.Combine(Path.GetTempPath(), $"herald-outbox-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            string serverDll = await Repo.ServerDllAsync(null, cancellationToken);
            await using var server = await HeraldServerProcess.StartAsync(serverDll, new HeraldStore("SQLite", "sqlite", $"Data Source={Path.Combine(work, "herald.db")}"), "api", cancellationToken);
            Console.WriteLine($"Herald.Outbox benchmark: {messages} messages, {Environment.ProcessorCount} cores, Herald at {server.BaseUrl} (SQLite, api role)");

            var databases = new List<(string Name, OutboxProvider Provider, string ConnectionString)>
            {
                ("SQLite (WAL, synchronous=NORMAL)", OutboxProvider.Sqlite, $"Data Source={Path.Combine(work, "producer.db")};Pooling=True"),
            };
            if (postgres is not null)
            {
                databases.Add(("PostgreSQL", OutboxProvider.PostgreSql, postgres));
            }
            foreach (var (name, provider, connectionString) in databases)
            {
                await EnqueueCostAsync(name, provider, connectionString, messages, cancellationToken);
                foreach (int apps in new[] { 1, 8 })
                {
                    await RelayThroughputAsync(name, provider, connectionString, server.BaseUrl, messages, apps, cancellationToken);
                }
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task EnqueueCostAsync(string name, OutboxProvider provider, string connectionString, int messages, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(provider, connectionString, cancellationToken);
        await ExecAsync(connection, null, "DROP TABLE IF EXISTS bench_payments; CREATE TABLE bench_payments (id TEXT PRIMARY KEY, order_id TEXT NOT NULL, amount BIGINT NOT NULL)", null, cancellationToken);
        await HeraldOutboxSchema.EnsureCreatedAsync(connection, cancellationToken);
        await ExecAsync(connection, null, "DELETE FROM herald_outbox", null, cancellationToken);
        var outbox = new HeraldOutbox();
        var payload = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["orderId"] = "12345", ["amount"] = 2700, ["currency"] = "USD" });

        // Warm-up, then the same payment transaction without and with the outbox row.
        await PaymentsAsync(connection, outbox, payload, "warm", 200, withOutbox: true, cancellationToken);
        double without = await PaymentsAsync(connection, outbox, payload, "a", messages, withOutbox: false, cancellationToken);
        double with = await PaymentsAsync(connection, outbox, payload, "b", messages, withOutbox: true, cancellationToken);

        // The enqueue call alone, many in one transaction (no commit in the figure).
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < messages; i++)
        {
            await outbox.EnqueueAsync(tx, "shop_bench", "payment.succeeded", payload, $"alone_{i}", cancellationToken);
        }
        double alone = clock.Elapsed.TotalMicroseconds / messages;
        await tx.RollbackAsync(cancellationToken);
        await ExecAsync(connection, null, "DELETE FROM herald_outbox; DROP TABLE bench_payments", null, cancellationToken);

        Console.WriteLine($"{name}: payment transaction {without:F1} µs without the outbox, {with:F1} µs with it: +{with - without:F1} µs per enqueue (enqueue call alone {alone:F1} µs)");
    }

    private static async Task<double> PaymentsAsync(DbConnection connection, HeraldOutbox outbox, System.Text.Json.JsonElement payload, string prefix, int count, bool withOutbox, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            string id = $"pay_{prefix}_{i}";
            await ExecAsync(connection, tx, "INSERT INTO bench_payments (id, order_id, amount) VALUES (@id, '12345', 2700)", id, cancellationToken);
            if (withOutbox)
            {
                await outbox.EnqueueAsync(tx, "shop_bench", "payment.succeeded", payload, id, cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
        }
        double perTransaction = clock.Elapsed.TotalMicroseconds / count;
        await ExecAsync(connection, null, "DELETE FROM herald_outbox", null, cancellationToken);
        return perTransaction;
    }

    private static async Task RelayThroughputAsync(string name, OutboxProvider provider, string connectionString, string herald, int messages, int apps, CancellationToken cancellationToken)
    {
        string run = Guid.NewGuid().ToString("N")[..8];
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddHeraldClient(o =>
        {
            o.BaseUrl = herald;
            o.Token = HeraldServerProcess.AdminToken;
        });
        builder.Services.AddHeraldOutbox(o =>
        {
            o.Provider = provider;
            o.ConnectionString = connectionString;
            o.PollInterval = TimeSpan.FromMilliseconds(20);
            o.MaxParallelApplications = Math.Max(8, apps);
        });
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<HeraldClient>();
        var appIds = Enumerable.Range(0, apps).Select(a => $"bench_{run}_{a}").ToList();
        foreach (var app in appIds)
        {
            await client.Applications.CreateAsync(new ApplicationIn { Name = app, Uid = app }, cancellationToken: cancellationToken);
        }
        await using (var connection = await OpenAsync(provider, connectionString, cancellationToken))
        {
            await HeraldOutboxSchema.EnsureCreatedAsync(connection, cancellationToken);
            var outbox = new HeraldOutbox();
            var payload = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["orderId"] = "12345", ["amount"] = 2700 });
            await using var tx = await connection.BeginTransactionAsync(cancellationToken);
            for (int i = 0; i < messages; i++)
            {
                await outbox.EnqueueAsync(tx, appIds[i % apps], "payment.succeeded", payload, $"pay_{run}_{i}", cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
        }

        var clock = Stopwatch.StartNew();
        await host.StartAsync(cancellationToken);
        await using (var connection = await OpenAsync(provider, connectionString, cancellationToken))
        {
            while (await CountAsync(connection, cancellationToken) > 0)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        await host.StopAsync(cancellationToken);
        Console.WriteLine($"{name}: relay sent {messages} rows over {apps} application(s) in {seconds:F2} s: {messages / seconds:F0} msgs/s");
    }

    private static async Task<DbConnection> OpenAsync(OutboxProvider provider, string connectionString, CancellationToken cancellationToken)
    {
        DbConnection connection = provider == OutboxProvider.Sqlite ? new SqliteConnection(connectionString) : new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (provider == OutboxProvider.Sqlite)
        {
            await ExecAsync(connection, null, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", null, cancellationToken);
        }
        return connection;
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction? tx, string sql, string? id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        if (id is not null)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@id";
            p.Value = id;
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> CountAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM herald_outbox";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static string? Arg(string[] args, string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
