using Herald.Delivery.Dispatching;
using Herald.Delivery.Sending;
using Herald.Ids;
using Herald.Model;
using Herald.Server.Hosting;
using Herald.Server.Operational;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Dashboard;

/// <summary>The POST forms of an application's pages. Each checks the CSRF token, acts through the store, and redirects back.</summary>
internal static class AppActions
{
    public static void MapAppActions(this RouteGroupBuilder group, AppPages.Resolver resolve)
    {
        group.MapPost("/endpoint", (HttpContext http, IHeraldStore store, TimeProvider time, OperationalPublisher ops) =>
            Act(http, resolve, async (ctx, form) =>
            {
                var url = ValidUrl(Forms.Value(form, "url"));
                var now = time.GetUtcNow();
                var endpoint = new Model.Endpoint
                {
                    Id = HeraldId.New(HeraldId.Endpoint, now), AppId = ctx.App.Id, Url = url, Description = Forms.Value(form, "description") ?? "",
                    EventTypes = Forms.List(form, "eventTypes"), Secret = WebhookSecret.Generate(), CreatedAt = now, UpdatedAt = now,
                };
                await store.CreateEndpointAsync(endpoint, http.RequestAborted);
                ops.Publish(new EndpointIntent(OperationalEventTypes.EndpointCreated, now, ctx.App.Id, endpoint.Id, null));
                return $"{ctx.Base}/endpoint/{endpoint.Id}?done=Endpoint+created";
            }));

        group.MapPost("/endpoint/{endpoint_id}/update", (string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, OperationalPublisher ops) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                var updated = e with
                {
                    Url = ValidUrl(Forms.Value(form, "url")), Description = Forms.Value(form, "description") ?? "",
                    EventTypes = Forms.List(form, "eventTypes"), UpdatedAt = time.GetUtcNow(),
                };
                await Save(store, ops, updated, http.RequestAborted);
                return "Endpoint saved";
            }));

        group.MapPost("/endpoint/{endpoint_id}/state", (string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, OperationalPublisher ops) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                bool disable = Forms.Value(form, "disabled") == "true";
                var updated = disable
                    ? e with { Disabled = true, UpdatedAt = time.GetUtcNow() }
                    : e with { Disabled = false, DisabledReason = null, FailingSince = null, UpdatedAt = time.GetUtcNow() };
                await Save(store, ops, updated, http.RequestAborted);
                return disable ? "Endpoint disabled" : "Endpoint enabled";
            }));

        group.MapPost("/endpoint/{endpoint_id}/rotate", (string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, OperationalPublisher ops, IOptions<HeraldOptions> options) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                var now = time.GetUtcNow();
                var retired = e.RetiredSecrets.Where(s => s.ExpiresAt > now).Prepend(new RetiredSecret(e.Secret, now + options.Value.SecretRotationGrace)).Take(5).ToList();
                await Save(store, ops, e with { Secret = WebhookSecret.Generate(), RetiredSecrets = retired, UpdatedAt = now }, http.RequestAborted);
                return "Secret rotated; the previous one stays valid for the grace period";
            }));

        group.MapPost("/endpoint/{endpoint_id}/headers", (string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, OperationalPublisher ops) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in (Forms.Value(form, "headers") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    int colon = line.IndexOf(':', StringComparison.Ordinal);
                    string name = colon > 0 ? line[..colon].Trim() : line;
                    string value = colon > 0 ? line[(colon + 1)..].Trim() : "";
                    if (WebhookHeaders.Refusal(name) is { } refusal)
                    {
                        throw new FormException(refusal);
                    }
                    // An empty sensitive value keeps the stored one, which the page never shows.
                    headers[name] = value.Length == 0 && e.Headers.TryGetValue(name, out var kept) ? kept : value;
                }
                await Save(store, ops, e with { Headers = headers, UpdatedAt = time.GetUtcNow() }, http.RequestAborted);
                return "Headers saved";
            }));

        group.MapPost("/endpoint/{endpoint_id}/recover", (string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, DispatchSignal signal) =>
            ActOnEndpoint(http, resolve, store, endpoint_id, async (ctx, e, form) =>
            {
                var since = AppPages.Parse(Forms.Value(form, "since")) ?? throw new FormException("Choose the time to recover from.");
                int count = await store.RecoverEndpointAsync(ctx.App.Id, e.Id, since, null, time.GetUtcNow(), http.RequestAborted);
                signal.Notify();
                return $"{count} failed deliveries queued again";
            }));

        group.MapPost("/msg/{msg_id}/resend", (string msg_id, HttpContext http, IHeraldStore store, TimeProvider time, DispatchSignal signal) =>
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

    private static async Task Save(IHeraldStore store, OperationalPublisher ops, Model.Endpoint endpoint, CancellationToken cancellationToken)
    {
        await store.UpdateEndpointAsync(endpoint, cancellationToken);
        ops.Publish(new EndpointIntent(OperationalEventTypes.EndpointUpdated, endpoint.UpdatedAt, endpoint.AppId, endpoint.Id, endpoint.Uid));
    }

    private static string ValidUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? url! : throw new FormException("The URL must be an absolute http or https URL.");

    private static Task<IResult> ActOnEndpoint(HttpContext http, AppPages.Resolver resolve, IHeraldStore store, string endpointId,
        Func<ConsoleContext, Model.Endpoint, IFormCollection, Task<string>> action) =>
        Act(http, resolve, async (ctx, form) =>
        {
            var endpoint = await store.GetEndpointAsync(ctx.App.Id, endpointId, http.RequestAborted) ?? throw new FormException("No such endpoint.");
            string done = await action(ctx, endpoint, form);
            return $"{ctx.Base}/endpoint/{endpoint.Id}?done={Uri.EscapeDataString(done)}";
        });

    private static Task<IResult> Act(HttpContext http, AppPages.Resolver resolve, Func<ConsoleContext, IFormCollection, Task<string>> action) =>
        AppPages.WithContext(http, resolve, async ctx =>
        {
            if (await Forms.ReadAsync(http, ctx.Csrf) is not { } form)
            {
                return Forms.Forbidden();
            }
            try
            {
                return Results.Redirect(await action(ctx, form), permanent: false, preserveMethod: false);
            }
            catch (FormException ex)
            {
                return Html.Page("Not done", ctx.Nav, $"<p class=\"error\">{Html.E(ex.Message)}</p><p>{Html.Link(ctx.Base, "Back")}</p>", 400);
            }
        });
}

/// <summary>A form's input was refused; shown to the user, nothing changed.</summary>
internal sealed class FormException(string message) : Exception(message);
