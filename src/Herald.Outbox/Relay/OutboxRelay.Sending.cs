using System.Net;
using System.Text.Json;
using Herald.Client;

namespace Herald.Outbox.Relay;

internal sealed partial class OutboxRelay
{
    /// <summary>The result of one send: Herald's message id, or why not and whether trying again could help.</summary>
    private readonly record struct Outcome(string? MessageId, string? Error, bool Rejected)
    {
        public static Outcome Sent(string messageId) => new(messageId, null, false);
        public static Outcome Transient(string error) => new(null, error, false);
        public static Outcome Refused(string error) => new(null, error, true);
    }

    private async Task<Outcome> SendAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        // Without an eventId of the producer's, the row's key is the eventId: Herald refuses a second message with
        // it even after the idempotency key itself has expired there.
        string eventId = row.EventId ?? row.IdempotencyKey;
        try
        {
            using var payload = JsonDocument.Parse(row.Payload);
            var message = new MessageIn { EventType = row.EventType, EventId = eventId, Payload = payload.RootElement };
            var created = await herald.Messages.CreateAsync(row.AppId, message, row.IdempotencyKey, cancellationToken);
            return Outcome.Sent(created.Id);
        }
        catch (HeraldApiException ex) when (ex.Status == HttpStatusCode.Conflict && ex.Code == "conflict")
        {
            // The eventId is taken: this row's message was created by an earlier send whose key Herald no longer holds.
            return await ExistingAsync(row.AppId, eventId, cancellationToken);
        }
        catch (HeraldApiException ex) when (IsRefusal(ex))
        {
            return Outcome.Refused(ex.Message);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Herald away, overloaded, a 5xx, a timeout, a bad token or an unknown application: the row waits.
            return Outcome.Transient(ex.Message);
        }
    }

    private async Task<Outcome> ExistingAsync(string appId, string eventId, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await herald.Messages.GetAsync(appId, eventId, withContent: false, cancellationToken);
            return Outcome.Sent(existing.Id);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Outcome.Transient(ex.Message);
        }
    }

    /// <summary>Answers that repeating the same request cannot change: the event itself is invalid for Herald.</summary>
    private static bool IsRefusal(HeraldApiException ex) => ex.Status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity => true,
        HttpStatusCode.Conflict => ex.Code == "idempotency_conflict",
        _ => false,
    };
}
