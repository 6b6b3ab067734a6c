namespace Herald.Server.Dashboard;

/// <summary>Reads a posted form after checking its CSRF token.</summary>
internal static class Forms
{
    /// <summary>The form, or null when its CSRF token does not match.</summary>
    /// <exception cref="FormException">The body cannot be read as a form (a NUL byte in a field, a field over the size limit).</exception>
    public static async Task<IFormCollection?> ReadAsync(HttpContext http, string expectedCsrf)
    {
        if (!http.Request.HasFormContentType)
        {
            return null;
        }
        http.Request.EnableBuffering(); // kept to name the fields of a form that cannot be read
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            throw new FormException(await DescribeUnreadableAsync(http.Request));
        }
        return DashboardSession.FixedEquals(form["_csrf"].ToString(), expectedCsrf) ? form : null;
    }

    /// <summary>Names the fields of a URL-encoded form that hold a NUL byte, which the form reader refuses outright.</summary>
    private static async Task<string> DescribeUnreadableAsync(HttpRequest request)
    {
        const string Generic = "a field holds a character that is not allowed (such as NUL) or is too long";
        if (!request.Body.CanSeek || request.ContentLength is not (> 0 and <= 1_048_576))
        {
            return Generic;
        }
        request.Body.Position = 0;
        using var reader = new StreamReader(request.Body, leaveOpen: true);
        string body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var fields = body.Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[1].Contains("%00", StringComparison.OrdinalIgnoreCase))
            .Select(kv => Uri.UnescapeDataString(kv[0].Replace('+', ' ')).Replace("\0", "", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return fields.Count == 0 ? Generic : $"{string.Join(", ", fields)}: must not contain control characters (NUL)";
    }

    /// <summary>Like <see cref="ReadAsync"/>, but an unreadable form is treated as one whose CSRF check failed.</summary>
    public static async Task<IFormCollection?> TryReadAsync(HttpContext http, string expectedCsrf)
    {
        try
        {
            return await ReadAsync(http, expectedCsrf);
        }
        catch (FormException)
        {
            return null;
        }
    }

    public static IResult Forbidden() => Html.Page("Refused", "", "<p class=\"error\">The form was stale or not sent by this page (CSRF check failed). Go back and try again.</p>", 403);

    /// <summary>A form that could not be read at all; nothing was changed.</summary>
    public static IResult Unreadable(FormException ex) =>
        Html.Page("Refused", "", $"<p class=\"error\" id=\"form-error\">Not saved: {Html.E(ex.Message)}</p>", 400);

    public static string? Value(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } v ? v.Trim() : null;

    public static List<string>? List(IFormCollection form, string name) =>
        Value(form, name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() is { Count: > 0 } l ? l : null;
}
