using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Ids;
using Herald.Model;
using Herald.Server.Hosting;
using Herald.Server.Api;
using Herald.Server.Changes;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Dashboard;

/// <summary>The POST forms of an application's pages. Each checks the CSRF token, acts through the store, and redirects back.</summary>
internal static class AppActions
{
    public static void MapAppActions(this RouteGroupBuilder group, AppPages.Resolver resolve)
    {
        group.MapPost("/endpoint", (HttpContext http, EndpointChanges changes) =>
            Act(http, resolve, async (ctx, form) =>
            {
                var endpoint = await changes.CreateAsync(ctx.App.Id, new EndpointDraft
                {
                    Url = Forms.Value(form, "url") ?? "", Description = Forms.Value(form, "description"), EventTypes = Forms.List(form, "eventTypes"),
                }, http.RequestAborted);
                return $"{ctx.Base}/endpoint/{endpoint.Id}?done=Endpoint+created";
            }));

        group.MapPost("/endpoint/{endpoint_id}/update", (string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                await changes.UpdateAsync(e, current => current with
                {
                    Url = Forms.Value(form, "url") ?? "", Description = Forms.Value(form, "description") ?? "", EventTypes = Forms.List(form, "eventTypes"),
                }, http.RequestAborted);
                return "Endpoint saved";
            }));

        group.MapPost("/endpoint/{endpoint_id}/state", (string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                bool disable = Forms.Value(form, "disabled") == "true";
                await changes.SetDisabledAsync(e, disable, http.RequestAborted);
                return disable ? "Endpoint disabled" : "Endpoint enabled";
            }));

        group.MapPost("/endpoint/{endpoint_id}/rotate", (string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                await changes.RotateSecretAsync(e, null, null, null, http.RequestAborted);
                return "Secret rotated; the previous one stays valid for the grace period";
            }));

        group.MapPost("/endpoint/{endpoint_id}/headers", (string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in (Forms.Value(form, "headers") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    string name = colon > 0 ? line[..colon].Trim() : line;
                    string value = colon > 0 ? line[(colon + 1)..].Trim() : "";
                    // An empty sensitive value keeps the stored one, which the page never shows.
                    headers[name] = value.Length == 0 && e.Headers.TryGetValue(name, out var kept) ? kept : value;
                }
                await changes.ReplaceHeadersAsync(e, headers, http.RequestAborted);
                return "Headers saved";
            }));

        group.MapPost("/endpoint/{endpoint_id}/recover", (string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                var since = AppPages.Parse(Forms.Value(form, "since")) ?? throw new FormException("Choose the time to recover from.");
                int count = await changes.RecoverAsync(e, since, null, http.RequestAborted);
                return $"{count} failed deliveries queued again";
            }));

        group.MapPost("/endpoint/{endpoint_id}/ordering/skip", (string endpoint_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                string key = Forms.Value(form, "key") ?? "";
                int skipped = await store.SkipHeldAsync(ctx.App.Id, e.Id, key, time.GetUtcNow(), http.RequestAborted);
                signal.Notify();
                return skipped == 0 ? "Nothing was held for that key" : "Skipped the held message; the key moves on";
            }));

        group.MapPost("/msg/{msg_id}/resend", (string msg_id, HttpContext http, IResourceStore store, TimeProvider time, DispatchSignal signal) =>
            Act(http, resolve, async (ctx, form) =>
            {
                var message = await store.GetMessageAsync(ctx.App.Id, msg_id, http.RequestAborted) ?? throw new FormException("No such message.");
                string target = Forms.Value(form, "endpoint") ?? "all";
                var endpoints = target == "all"
                    ? (await store.ListMessageDestinationsAsync(ctx.App.Id, message.Id, new PageRequest(250), http.RequestAborted)).Data.Select(d => d.Endpoint.Id).ToList()
                    : [target];
                int queued = 0;
                foreach (var endpoint in endpoints)
                {
                    queued += await store.ResendAsync(ctx.App.Id, message.Id, endpoint, time.GetUtcNow(), http.RequestAborted) ? 1 : 0;
                }
                signal.Notify();
                return $"{ctx.Base}/msg/{message.Id}?done=Resend+queued+to+{queued}+endpoint(s)";
            }));
    }

    private static Task<IResult> ActOnEndpoint(HttpContext http, AppPages.Resolver resolve, IResourceStore store, string endpointId,
        Func<ConsoleContext, Model.Endpoint, IFormCollection, Task<string>> action) =>
        Act(http, resolve, async (ctx, form) =>
        {
            var endpoint = await store.GetEndpointAsync(ctx.App.Id, endpointId, http.RequestAborted) ?? throw new FormException("No such endpoint.");
            string done = await action(ctx, endpoint, form);
            return $"{ctx.Base}/endpoint/{endpoint.Id}?done={Uri.EscapeDataString(done)}";
        }, ctx => $"{ctx.Base}/endpoint/{Uri.EscapeDataString(endpointId)}");

    /// <param name="back">The page the form is on (the application's page when null), where a refusal is shown.</param>
    private static Task<IResult> Act(HttpContext http, AppPages.Resolver resolve, Func<ConsoleContext, IFormCollection, Task<string>> action,
        Func<ConsoleContext, string>? back = null) =>
        AppPages.WithContext(http, resolve, async ctx =>
        {
            try
            {
                if (await Forms.ReadAsync(http, ctx.Csrf) is not { } form)
                {
                    return Forms.Forbidden();
                }
                return Results.Redirect(await action(ctx, form), permanent: false, preserveMethod: false);
            }
            catch (FormException ex)
            {
                return FormError(back?.Invoke(ctx) ?? ctx.Base, ex.Message);
            }
            catch (ValidationFailedException ex)
            {
                return FormError(back?.Invoke(ctx) ?? ctx.Base, string.Join("; ", ex.Errors.Select(e => $"{string.Join('.', e.Loc.Skip(1))}: {e.Msg}")));
            }
            catch (ApiException ex) when (ex.Status is >= 400 and < 500)
            {
                return FormError(back?.Invoke(ctx) ?? ctx.Base, ex.Message);
            }
            catch (DuplicateException ex)
            {
                return FormError(back?.Invoke(ctx) ?? ctx.Base, ex.Message);
            }
        });

    /// <summary>Back to the page the form was on (never a 500), with what was wrong above the forms; nothing was changed.</summary>
    private static IResult FormError(string page, string problem) =>
        Results.Redirect($"{page}?error={Uri.EscapeDataString(problem)}", permanent: false, preserveMethod: false);
}

/// <summary>A form's input was refused; shown to the user on the page of the form, nothing changed.</summary>
internal sealed class FormException(string message) : Exception(message);
