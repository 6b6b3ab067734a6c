using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using Checkout.Provider.Herald;
using Herald.Outbox;
using Microsoft.Data.Sqlite;

namespace Checkout.Provider.Payments;

/// <summary>
/// The provider's payments, in its SQLite file: created by merchants, completed once by the shopper. Completing a
/// payment and enqueueing its webhook are one transaction, so a payment is never recorded without its event.
/// </summary>
internal sealed class PaymentLedger(ProviderDatabase db, HeraldOutbox outbox, TimeProvider time)
{
    private const string Columns = "id, order_id, amount, currency, method, return_url, created_at, status, completed_at, decline_reason";

    public Payment Create(string orderId, long amount, string currency, PaymentMethod method, Uri returnUrl)
    {
        var payment = new Payment
        {
            Id = "pay_" + RandomNumberGenerator.GetHexString(16, lowercase: true),
            OrderId = orderId,
            Amount = amount,
            Currency = currency,
            Method = method,
            ReturnUrl = returnUrl,
            CreatedAt = time.GetUtcNow(),
        };
        using var connection = db.Open();
        using var command = Command(connection, null,
            "INSERT INTO payments (id, order_id, amount, currency, method, return_url, created_at, status) VALUES ($id, $order, $amount, $currency, $method, $url, $created, 0)",
            ("$id", payment.Id), ("$order", orderId), ("$amount", amount), ("$currency", currency), ("$method", (int)method),
            ("$url", returnUrl.ToString()), ("$created", payment.CreatedAt.ToUnixTimeMilliseconds()));
        command.ExecuteNonQuery();
        return payment;
    }

    public Payment? Find(string id)
    {
        using var connection = db.Open();
        return Find(connection, null, id);
    }

    /// <summary>
    /// Finishes a pending payment and enqueues its webhook in the same transaction; null when it is unknown or
    /// already finished (a double submit). The relay sends the webhook once the transaction has committed.
    /// </summary>
    public async Task<Payment?> TryCompleteAsync(string id, string? declineReason, CancellationToken cancellationToken)
    {
        await using var connection = db.Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var status = declineReason is null ? PaymentStatus.Succeeded : PaymentStatus.Failed;
        var now = time.GetUtcNow();
        await using (var update = Command(connection, tx,
            "UPDATE payments SET status = $status, decline_reason = $reason, completed_at = $now WHERE id = $id AND status = 0",
            ("$status", (int)status), ("$reason", declineReason), ("$now", now.ToUnixTimeMilliseconds()), ("$id", id)))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }
        var done = Find(connection, tx, id)!;
        await outbox.EnqueueAsync(tx, MerchantRegistration.AppUid, PaymentEvents.EventType(done), PaymentEvents.Payload(done, now), done.Id, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return done;
    }

    private static Payment? Find(SqliteConnection connection, SqliteTransaction? tx, string id)
    {
        using var command = Command(connection, tx, $"SELECT {Columns} FROM payments WHERE id = $id", ("$id", id));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        return new Payment
        {
            Id = reader.GetString(0),
            OrderId = reader.GetString(1),
            Amount = reader.GetInt64(2),
            Currency = reader.GetString(3),
            Method = (PaymentMethod)reader.GetInt32(4),
            ReturnUrl = new Uri(reader.GetString(5)),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
            Status = (PaymentStatus)reader.GetInt32(7),
            CompletedAt = reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
            DeclineReason = reader.IsDBNull(9) ? null : reader.GetString(9),
        };
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }
}
