using Herald.Delivery.Sending;
using Herald.Model;
using Herald.Server.Changes;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Api;

internal static partial class EndpointsApi
{
    private static void MapSecrets(RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/secret", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
            Reply.Ok(new EndpointSecretOut(SecretKinds.VerificationKey((await RequireAsync(store, app_id, endpoint_id, http.RequestAborted)).Endpoint.Secret)),
                ApiJsonContext.Default.EndpointSecretOut));

        api.MapPost("/app/{app_id}/endpoint/{endpoint_id}/secret/rotate", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = http.Request.ContentLength is null or 0 && !http.Request.Headers.ContentType.Any()
                ? new EndpointSecretRotateIn()
                : await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointSecretRotateIn, 16 * 1024);
            new Validation().Secret("key", input.Key).KeyType("keyType", input.KeyType, input.Key)
                .Range("gracePeriodSeconds", input.GracePeriodSeconds, 0, 604_800).ThrowIfInvalid();
            var grace = input.GracePeriodSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            await changes.RotateSecretAsync(endpoint, input.Key, SecretKinds.FromName(input.KeyType), grace, http.RequestAborted);
            return Reply.NoContent();
        });
    }

    private static void MapHeaders(RouteGroupBuilder api)
    {
        api.MapGet("/app/{app_id}/endpoint/{endpoint_id}/headers", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var sensitive = endpoint.Headers.Keys.Where(WebhookHeaders.IsSensitive).ToList();
            var visible = endpoint.Headers.Where(h => !WebhookHeaders.IsSensitive(h.Key)).ToDictionary();
            return Reply.Ok(new EndpointHeadersOut(visible, sensitive), ApiJsonContext.Default.EndpointHeadersOut);
        });

        api.MapPut("/app/{app_id}/endpoint/{endpoint_id}/headers", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointHeadersIn, 256 * 1024);
            new Validation().Required("headers", input.Headers).ThrowIfInvalid();
            await changes.ReplaceHeadersAsync(endpoint, input.Headers!, http.RequestAborted);
            return Reply.NoContent();
        });

        api.MapPatch("/app/{app_id}/endpoint/{endpoint_id}/headers", async (string app_id, string endpoint_id, HttpContext http, IResourceStore store, EndpointChanges changes) =>
        {
            var (_, endpoint) = await RequireAsync(store, app_id, endpoint_id, http.RequestAborted);
            var input = await RequestBody.ReadAsync(http, ApiJsonContext.Default.EndpointHeadersPatchIn, 256 * 1024);
            if (input.Headers is null && input.DeleteHeaders is null)
            {
                new Validation().Required("headers", input.Headers).ThrowIfInvalid();
            }
            await changes.PatchHeadersAsync(endpoint, input.Headers ?? [], (input.DeleteHeaders ?? []).Select(name => name ?? ""), http.RequestAborted);
            return Reply.NoContent();
        });
    }
}
