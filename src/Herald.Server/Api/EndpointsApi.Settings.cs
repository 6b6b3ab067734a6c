using Herald.Delivery.Sending;
using Herald.Model;
using Herald.Server.Hosting;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Api;

internal static partial class EndpointsApi
{
    private const int MaxRetiredSecrets = 5;

    private static void MapSecrets(RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/secret", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store) =>
            Reply.Ok(new EndpointSecretOut((await RequireAsync(store, app_id, endpoint_id, http.RequestAborted)).Endpoint.Secret), ApiJsonContext.Default.EndpointSecretOut));

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/secret/rotate", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time, IOptions<HeraldOptions> options) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = http.Request.ContentLength is null or 0 && !http.Request.Headers.ContentType.Any()
                ? new EndpointSecretRotateIn()
                : await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointSecretRotateIn, 16 * 1024);
            new Validation().Secret("key", input.Key).Range("gracePeriodSeconds", input.GracePeriodSeconds, 0, 604_800).ThrowIfInvalid();
            var now = time.GetUtcNow();
            var grace = input.GracePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.SecretRotationGrace;
            var retired = endpoint.RetiredSecrets.Where(s => s.ExpiresAt > now).ToList();
            if (grace > TimeSpan.Zero)
            {
                retired.Insert(0, new RetiredSecret(endpoint.Secret, now + grace));
            }
            var updated = endpoint with
            {
                Secret = NormalizeSecret(input.Key) ?? WebhookSecret.Generate(),
                RetiredSecrets = retired.Take(MaxRetiredSecrets).ToList(),
                UpdatedAt = now,
            };
            await store.UpdateEndpointAsync(updated, http.RequestAborted);
            return Reply.NoContent();
        });
    }

    private static void MapHeaders(RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/headers", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var sensitive = endpoint.Headers.Keys.Where(WebhookHeaders.IsSensitive).ToList();
            var visible = endpoint.Headers.Where(h => !WebhookHeaders.IsSensitive(h.Key)).ToDictionary();
            return Reply.Ok(new EndpointHeadersOut(visible, sensitive), ApiJsonContext.Default.EndpointHeadersOut);
        });

        api.MapPut("/app/{app_id}/endpoint/{endpoint_id}/headers", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointHeadersIn, 256 * 1024);
            new Validation().Required("headers", input.Headers).ThrowIfInvalid();
            var headers = input.Headers!;
            new Validation().Headers("headers", headers.Select(h => new KeyValuePair<string, string?>(h.Key, h.Value))).ThrowIfInvalid();
            await store.UpdateEndpointAsync(endpoint with { Headers = headers, UpdatedAt = time.GetUtcNow() }, http.RequestAborted);
            return Reply.NoContent();
        });

        api.MapPatch("/app/{app_id}/endpoint/{endpoint_id}/headers", async (string app_id, string endpoint_id, HttpContext http, IHeraldStore store, TimeProvider time) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointHeadersPatchIn, 256 * 1024);
            if (input.Headers is null && input.DeleteHeaders is null)
            {
                new Validation().Required("headers", input.Headers).ThrowIfInvalid();
            }
            var headers = new Dictionary<string, string>(endpoint.Headers, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in input.Headers ?? [])
            {
                if (value is null)
                {
                    headers.Remove(name);
                }
                else
                {
                    headers[name] = value;
                }
            }
            foreach (var name in input.DeleteHeaders ?? [])
            {
                headers.Remove(name ?? "");
            }
            new Validation().Headers("headers", headers.Select(h => new KeyValuePair<string, string?>(h.Key, h.Value))).ThrowIfInvalid();
            await store.UpdateEndpointAsync(endpoint with { Headers = headers, UpdatedAt = time.GetUtcNow() }, http.RequestAborted);
            return Reply.NoContent();
        });
    }
}
