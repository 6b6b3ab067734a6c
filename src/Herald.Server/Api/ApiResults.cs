using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Metadata;

namespace Herald.Server.Api;

/// <summary>A response whose JSON is already serialized, so idempotency can store and replay it byte for byte.</summary>
internal sealed class JsonBody(int statusCode, byte[] body, string contentType = "application/json") : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public int? StatusCode => statusCode;
    public string ContentType => contentType;
    public byte[] Body => body;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = statusCode;
        if (body.Length == 0)
        {
            return Task.CompletedTask;
        }
        httpContext.Response.ContentType = contentType;
        httpContext.Response.ContentLength = body.Length;
        return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}

internal static class Reply
{
    public static JsonBody Json<T>(int status, T value, JsonTypeInfo<T> info) => new(status, JsonSerializer.SerializeToUtf8Bytes(value, info));

    public static JsonBody Ok<T>(T value, JsonTypeInfo<T> info) => Json(StatusCodes.Status200OK, value, info);

    public static JsonBody NoContent() => new(StatusCodes.Status204NoContent, []);

    public static JsonBody Problem(int status, string code, string detail, string type = "about:blank") =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(
            new Problem(type, ReasonPhrase(status), status, code, detail), ApiJsonContext.Default.Problem), "application/problem+json");

    public static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } p ? p : "Error";

    public static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();
}

/// <summary>Thrown by handlers to answer with a problem body; nothing has been changed when it is thrown.</summary>
internal sealed class ApiException(int status, string code, string detail) : Exception(detail)
{
    public int Status => status;
    public string Code => code;

    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, "not_found", $"{what} not found.");

    public static ApiException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "bad_request", detail);

    public static ApiException Conflict(string detail) => new(StatusCodes.Status409Conflict, "conflict", detail);
}
