using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Checkout.Store.Orders;

/// <summary>
/// The store's orders in its SQLite file (<c>store.db</c> in the data folder), so a restarted backend still knows every
/// order: the columns it looks orders up by, and the whole order (history, measurements) as a JSON document.
/// </summary>
internal sealed class OrderStore
{
    private readonly string _connectionString;

    public OrderStore(string dataDirectory)
    {
        _connectionString = $"Data Source={Path.Combine(dataDirectory, "store.db")}";
        using var connection = Open();
        connection.Execute(
            """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS orders (
                id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, approach TEXT NOT NULL, status TEXT NOT NULL,
                payment_id TEXT, document TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status, created_at);
            """);
    }

    public void Insert(Order order)
    {
        using var connection = Open();
        connection.Execute(
            "INSERT INTO orders (id, created_at, approach, status, payment_id, document) VALUES (@Id, @CreatedAt, @Approach, @Status, @PaymentId, @Document)",
            Parameters(order));
    }

    public void Update(Order order)
    {
        using var connection = Open();
        connection.Execute("UPDATE orders SET status = @Status, payment_id = @PaymentId, document = @Document WHERE id = @Id", Parameters(order));
    }

    public Order? Find(string id)
    {
        using var connection = Open();
        string? document = connection.QuerySingleOrDefault<string>("SELECT document FROM orders WHERE id = @id", new { id });
        return document is null ? null : Deserialize(document);
    }

    /// <summary>Orders of an approach in some statuses, created at or after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<Order> Select(Approach? approach, IReadOnlyCollection<OrderStatus>? statuses, DateTimeOffset? since)
    {
        using var connection = Open();
        return connection.Query<string>(
                """
                SELECT document FROM orders
                WHERE (@approach IS NULL OR approach = @approach) AND (@anyStatus OR status IN @statuses) AND created_at >= @since
                ORDER BY created_at, id
                """,
                new
                {
                    approach = approach?.ToString(),
                    anyStatus = statuses is null,
                    statuses = (statuses ?? []).Select(s => s.ToString()).ToArray(),
                    since = (since ?? DateTimeOffset.MinValue).ToUnixTimeMilliseconds(),
                })
            .Select(Deserialize).ToList();
    }

    private static object Parameters(Order order) => new
    {
        order.Id,
        CreatedAt = order.CreatedAt.ToUnixTimeMilliseconds(),
        Approach = order.Approach.ToString(),
        Status = order.Status.ToString(),
        order.PaymentId,
        Document = JsonSerializer.Serialize(order, OrderJsonContext.Default.Order),
    };

    private static Order Deserialize(string document) =>
        JsonSerializer.Deserialize(document, OrderJsonContext.Default.Order) ?? throw new InvalidDataException("An order row holds no order.");

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(Order))]
internal sealed partial class OrderJsonContext : JsonSerializerContext;
