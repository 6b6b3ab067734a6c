using System.Text.Json;
using Herald.Server.Health;
using Herald.Storage;

namespace Herald.Server.Api;

/// <summary>
/// Turns every failure into a problem body: 4xx for the caller's mistakes, 503 when the database cannot take the
/// request (nothing stored), 500 <c>outcome_unknown</c> when a commit failed part-way, 500 otherwise.
/// </summary>
internal sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var result = ToResult(ex, context);
            context.Response.Clear();
            await result.ExecuteAsync(context);
        }
    }

    private JsonBody ToResult(Exception ex, HttpContext context)
    {
        switch (ex)
        {
            case ApiException api:
                return Reply.Problem(api.Status, api.Code, api.Message);
            case ValidationFailedException invalid:
                return new JsonBody(StatusCodes.Status422UnprocessableEntity, JsonSerializer.SerializeToUtf8Bytes(
                    new ValidationProblem("about:blank", "Unprocessable Entity", 422, "validation_error", invalid.Errors),
                    ApiJsonContext.Default.ValidationProblem), "application/problem+json");
            case DuplicateException duplicate:
                return Reply.Problem(StatusCodes.Status409Conflict, "conflict", duplicate.Message);
            case BadHttpRequestException bad:
                return Reply.Problem(bad.StatusCode, bad.StatusCode == 413 ? "payload_too_large" : "bad_request", bad.Message);
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return Reply.Problem(499, "client_closed_request", "The client closed the request.");
            case IdempotencyClaimLostException lost:
                return Reply.Problem(StatusCodes.Status409Conflict, "request_in_progress", lost.Message);
            case StoreOutcomeUnknownException unknown:
                LogOutcomeUnknown(logger, context.Request.Method, context.Request.Path, unknown);
                context.Response.Headers.RetryAfter = "1";
                return Reply.Problem(StatusCodes.Status500InternalServerError, "outcome_unknown", OutcomeUnknownDetail, OutcomeUnknownType);
            // Only a database that cannot take the request (away, busy, full, read-only) is an outage; any other database
            // error is a defect of ours (the input was validated before it got there), logged and answered 500.
            case StoreUnavailableException or TimeoutException or System.Net.Sockets.SocketException:
            case System.Data.Common.DbException db when Herald.Storage.Postgres.PostgresFailures.IsOutage(db) || Herald.Storage.Sqlite.SqliteFailures.IsOutage(db):
                LogStoreUnavailable(logger, ex);
                var failure = StoreFailures.Of(ex);
                context.RequestServices.GetService<ReadinessCheck>()?.Report(failure);
                return Reply.Problem(StatusCodes.Status503ServiceUnavailable, "store_unavailable", StoreFailures.Describe(failure) + " Nothing was stored; try again shortly.");
            default:
                LogUnhandled(logger, context.Request.Method, context.Request.Path, ex);
                return Reply.Problem(StatusCodes.Status500InternalServerError, "internal_error", "An unexpected error occurred.");
        }
    }

    /// <summary>The problem type of an answer that does not know whether the change was stored.</summary>
    public const string OutcomeUnknownType = "urn:herald:problem:outcome-unknown";

    private const string OutcomeUnknownDetail =
        "The database failed while committing this request: it may or may not have been stored. Send it again with the same " +
        "Idempotency-Key, which is safe: you get the original answer if it was stored. Without a key, look for it (a message " +
        "by its eventId) before sending it again.";

    [LoggerMessage(3, LogLevel.Error, "The outcome of {Method} {Path} is unknown: the commit failed part-way")]
    private static partial void LogOutcomeUnknown(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(1, LogLevel.Warning, "The store is unavailable")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
