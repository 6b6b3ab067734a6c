using Herald.Receiver.Handlers;
using Herald.Receiver.Verification;
using Herald.Signing;
using VerificationLog = Herald.Receiver.Verification.Log;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Endpoints;

/// <summary>
/// Receives one webhook: read the raw body, verify, store in the inbox, answer.
/// The answer is 2xx as soon as the message is durable; handlers run later.
/// </summary>
internal sealed class WebhookEndpoint(
    string receiverName,
    ReceiverVerifier verifier,
    IWebhookInbox inbox,
    ReceiverSettings settings,
    ILogger<WebhookEndpoint> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        using var scope = ReceiverNames.BeginScope(logger, receiverName);
        var result = await ReceiveAsync(context.Request, context.RequestAborted);
        await result.ExecuteAsync(context);
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        long maxBytes = settings.Current.MaxBodyBytes;
        var body = await RequestBodyReader.ReadAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            VerificationLog.BodyTooLarge(logger, maxBytes);
            return Problem(StatusCodes.Status413PayloadTooLarge, "Webhook body too large",
                $"The body is larger than the {maxBytes} bytes this receiver accepts.");
        }

        var headers = WebhookHeaders.From(request.Headers);
        var failure = verifier.Verify(headers, body);
        if (failure != VerificationFailure.None)
        {
            VerificationLog.VerificationFailed(logger, headers.Id, failure);
            return Problem(StatusCodes.Status401Unauthorized, "Webhook verification failed", Explain(failure));
        }

        // Verified, so the id and timestamp are present and the timestamp parses.
        WebhookVerifier.TryParseTimestamp(headers.Timestamp!, out long seconds);
        var message = new InboxMessage(headers.Id!, WebhookEnvelope.ReadEventType(body), DateTimeOffset.FromUnixTimeSeconds(seconds), body);
        if (!await inbox.TryAddAsync(message, cancellationToken))
        {
            VerificationLog.Duplicate(logger, message.Id);
        }
        return Results.Ok();
    }

    private static string Explain(VerificationFailure failure) => failure switch
    {
        VerificationFailure.MissingHeaders => "The webhook-id, webhook-timestamp and webhook-signature headers are required.",
        VerificationFailure.InvalidTimestamp => "The webhook-timestamp header is not a Unix time in whole seconds.",
        VerificationFailure.TimestampTooOld => "The webhook-timestamp is too far in the past.",
        VerificationFailure.TimestampTooNew => "The webhook-timestamp is too far in the future.",
        _ => "No signature in the webhook-signature header matches the body.",
    };

    private static IResult Problem(int status, string title, string detail) =>
        Results.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail });
}
