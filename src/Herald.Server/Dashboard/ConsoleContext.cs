using Herald.Model;

namespace Herald.Server.Dashboard;

/// <summary>
/// What an application's pages need to know about who is looking: the application, the path its pages live
/// under (<c>/dashboard/app/{id}</c> for the operator, <c>/portal</c> for a consumer) and the CSRF token for forms.
/// </summary>
internal sealed record ConsoleContext(Application App, string Base, string Csrf, bool IsAdmin, string Nav);
