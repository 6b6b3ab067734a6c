using System.Text.Json;
using Herald.Storage;

namespace Herald.Server.Api;

/// <summary>Turns every failure into a problem body: 4xx for the caller's mistakes, 503 when the database is away or busy, 500 otherwise.</summary>
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
            // Only a database that cannot be reached (or is momentarily busy) is an outage; any other database error is
            // a defect of ours (the input was validated before it got there), logged and answered 500.
            case StoreUnavailableException or TimeoutException or System.Net.Sockets.SocketException:
            case System.Data.Common.DbException db when Herald.Storage.Postgres.PostgresFailures.IsOutage(db) || Herald.Storage.Sqlite.SqliteFailures.IsOutage(db):
                LogStoreUnavailable(logger, ex);
                return Reply.Problem(StatusCodes.Status503ServiceUnavailable, "store_unavailable", "The database is not reachable; try again shortly.");
            default:
                LogUnhandled(logger, context.Request.Method, context.Request.Path, ex);
                return Reply.Problem(StatusCodes.Status500InternalServerError, "internal_error", "An unexpected error occurred.");
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The store is unavailable")]
    private static partial void LogStoreUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Error, "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
