using System.Net;

namespace Herald.Client;

/// <summary>
/// The server refused a call: its HTTP status, the problem body's <c>code</c> and <c>detail</c>, and for a 422 the
/// fields that failed validation. Nothing was changed on the server (except for a 5xx, where that is unknown).
/// </summary>
public sealed class HeraldApiException : Exception
{
    /// <summary>A refusal with the server's status, problem <c>code</c> and <c>detail</c>, and the field errors of a 422.</summary>
    public HeraldApiException(HttpStatusCode status, string? code, string detail, IReadOnlyList<HeraldFieldError>? errors = null, Exception? innerException = null)
        : base(Describe(status, code, detail), innerException)
    {
        Status = status;
        Code = code;
        Detail = detail;
        Errors = errors ?? [];
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The machine-readable reason, e.g. <c>not_found</c>, <c>conflict</c>, <c>validation_error</c>; null when the body was not a problem.</summary>
    public string? Code { get; }

    /// <summary>The human-readable reason (for a 422, the field errors joined).</summary>
    public string Detail { get; }

    /// <summary>The fields a 422 names; empty for other statuses.</summary>
    public IReadOnlyList<HeraldFieldError> Errors { get; }

    private static string Describe(HttpStatusCode status, string? code, string detail) =>
        $"Herald answered {(int)status}{(code is null ? "" : $" ({code})")}: {detail}";
}

/// <summary>One failed field of a 422: where (<c>["body", "url"]</c>, <c>["query", "limit"]</c>), why, and the kind of failure.</summary>
public sealed record HeraldFieldError(IReadOnlyList<string> Location, string Message, string Type)
{
    /// <summary>The field's name: the last part of <see cref="Location"/>.</summary>
    public string Field => Location.Count > 0 ? Location[^1] : "";
}
