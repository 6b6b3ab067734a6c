namespace Herald.Server.Dashboard;

/// <summary>Reads a posted form after checking its CSRF token.</summary>
internal static class Forms
{
    public static async Task<IFormCollection?> ReadAsync(HttpContext http, string expectedCsrf)
    {
        if (!http.Request.HasFormContentType)
        {
            return null;
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        return DashboardSession.FixedEquals(form["_csrf"].ToString(), expectedCsrf) ? form : null;
    }

    public static IResult Forbidden() => Html.Page("Refused", "", "<p class=\"error\">The form was stale or not sent by this page (CSRF check failed). Go back and try again.</p>", 403);

    public static string? Value(IFormCollection form, string name) => form[name].ToString() is { Length: > 0 } v ? v.Trim() : null;

    public static List<string>? List(IFormCollection form, string name) =>
        Value(form, name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList() is { Count: > 0 } l ? l : null;
}
