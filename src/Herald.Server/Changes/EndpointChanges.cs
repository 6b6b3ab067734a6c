using Herald.Delivery.Dispatching;
using Herald.Ids;
using Herald.Model;
using Endpoint = Herald.Model.Endpoint;
using Herald.Server.Api;
using Herald.Server.Hosting;
using Herald.Server.Operational;
using Herald.Signing;
using Herald.Storage;
using Microsoft.Extensions.Options;

namespace Herald.Server.Changes;

/// <summary>
/// Every change to an endpoint, from the API, the dashboard or the portal: validated by one set of rules, bounded
/// by the tenant limits, written through the store, and announced as an operational webhook.
/// </summary>
internal sealed class EndpointChanges(IEndpointStore store, TimeProvider time, OperationalPublisher ops, DispatchSignal signal,
    IOptions<HeraldOptions> herald, IOptions<LimitsOptions> limits)
{
    public const int MaxRetiredSecrets = 5;

    public async Task<Endpoint> CreateAsync(string appId, EndpointDraft draft, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var endpoint = new Endpoint
        {
            Id = HeraldId.New(HeraldId.Endpoint, now), AppId = appId, Uid = draft.Uid, Url = draft.Url, Description = draft.Description ?? "",
            Disabled = draft.Disabled, EventTypes = draft.EventTypes, Channels = draft.Channels, ThrottleRate = draft.ThrottleRate,
            Metadata = draft.Metadata ?? new Dictionary<string, string>(), Headers = draft.Headers ?? new Dictionary<string, string>(),
            Secret = NormalizeSecret(draft.Secret) ?? SecretKinds.Generate(draft.KeyType), CreatedAt = now, UpdatedAt = now,
            Ordering = draft.Ordering ?? OrderingMode.None, OrderingOnExhaustion = draft.OrderingOnExhaustion ?? OrderingOnExhaustion.Skip,
        };
        ChangeRules.Check(endpoint, limits.Value.HeadersPerEndpoint);
        await EnsureRoomAsync(appId, cancellationToken);
        await store.CreateEndpointAsync(endpoint, cancellationToken);
        ops.Publish(new EndpointIntent(OperationalEventTypes.EndpointCreated, now, appId, endpoint.Id, endpoint.Uid));
        return endpoint;
    }

    /// <summary>Applies <paramref name="change"/> to the endpoint, checks the result against the rules, and stores it.</summary>
    public async Task<Endpoint> UpdateAsync(Endpoint existing, Func<Endpoint, Endpoint> change, CancellationToken cancellationToken)
    {
        var updated = change(existing) with { Id = existing.Id, AppId = existing.AppId, UpdatedAt = time.GetUtcNow() };
        ChangeRules.Check(updated, limits.Value.HeadersPerEndpoint, checkSecret: updated.Secret != existing.Secret);
        await store.UpdateEndpointAsync(updated, cancellationToken);
        ops.Publish(new EndpointIntent(OperationalEventTypes.EndpointUpdated, updated.UpdatedAt, updated.AppId, updated.Id, updated.Uid));
        return updated;
    }

    /// <summary>A PUT: every field as the draft says; the secret and headers stay unless given.</summary>
    public Task<Endpoint> ReplaceAsync(Endpoint existing, EndpointDraft draft, CancellationToken cancellationToken) =>
        UpdateAsync(existing, e => WithDisabled(e with
        {
            Url = draft.Url, Uid = draft.Uid ?? e.Uid, Description = draft.Description ?? "", EventTypes = draft.EventTypes,
            Channels = draft.Channels, ThrottleRate = draft.ThrottleRate, Metadata = draft.Metadata ?? new Dictionary<string, string>(),
            Ordering = draft.Ordering ?? e.Ordering, OrderingOnExhaustion = draft.OrderingOnExhaustion ?? e.OrderingOnExhaustion,
        }, draft.Disabled), cancellationToken);

    /// <summary>Disabling keeps why Herald disabled it; enabling clears the reason and the failure run.</summary>
    public static Endpoint WithDisabled(Endpoint e, bool disabled) =>
        disabled
            ? e with { Disabled = true, DisabledReason = e.Disabled ? e.DisabledReason : null }
            : e with { Disabled = false, DisabledReason = null, FailingSince = null };

    public Task<Endpoint> SetDisabledAsync(Endpoint existing, bool disabled, CancellationToken cancellationToken) =>
        UpdateAsync(existing, e => WithDisabled(e, disabled), cancellationToken);

    /// <summary>
    /// A new secret (the given one or a generated one of <paramref name="kind"/>, by default the current secret's kind);
    /// the old one keeps signing for the grace period (the configured one unless given; zero retires it at once), also
    /// when the kinds differ, so a receiver holding either key accepts. At most five retired secrets are kept.
    /// </summary>
    public Task<Endpoint> RotateSecretAsync(Endpoint existing, string? key, SecretKind? kind, TimeSpan? grace, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var period = grace ?? herald.Value.SecretRotationGrace;
        var retired = existing.RetiredSecrets.Where(s => s.ExpiresAt > now).ToList();
        if (period > TimeSpan.Zero)
        {
            retired.Insert(0, new RetiredSecret(existing.Secret, now + period));
        }
        return UpdateAsync(existing, e => e with
        {
            Secret = NormalizeSecret(key) ?? SecretKinds.Generate(kind ?? SecretKinds.Of(existing.Secret)),
            RetiredSecrets = retired.Take(MaxRetiredSecrets).ToList(),
        }, cancellationToken);
    }

    /// <summary>Replaces every custom header.</summary>
    public Task<Endpoint> ReplaceHeadersAsync(Endpoint existing, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken) =>
        UpdateAsync(existing, e => e with { Headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase) }, cancellationToken);

    /// <summary>Sets the given headers (a null value removes one) and removes the listed ones.</summary>
    public Task<Endpoint> PatchHeadersAsync(Endpoint existing, IReadOnlyDictionary<string, string?> set, IEnumerable<string> remove, CancellationToken cancellationToken) =>
        UpdateAsync(existing, e =>
        {
            var headers = new Dictionary<string, string>(e.Headers, StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in set)
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
            foreach (var name in remove)
            {
                headers.Remove(name);
            }
            return e with { Headers = headers };
        }, cancellationToken);

    public async Task DeleteAsync(Endpoint existing, CancellationToken cancellationToken)
    {
        if (await store.DeleteEndpointAsync(existing.AppId, existing.Id, cancellationToken))
        {
            ops.Publish(new EndpointIntent(OperationalEventTypes.EndpointDeleted, time.GetUtcNow(), existing.AppId, existing.Id, existing.Uid));
        }
    }

    /// <summary>Queues again every failed delivery of the endpoint since the given time; returns how many.</summary>
    public async Task<int> RecoverAsync(Endpoint endpoint, DateTimeOffset since, DateTimeOffset? until, CancellationToken cancellationToken)
    {
        int count = await store.RecoverEndpointAsync(endpoint.AppId, endpoint.Id, since, until, time.GetUtcNow(), cancellationToken);
        signal.Notify();
        return count;
    }

    private async Task EnsureRoomAsync(string appId, CancellationToken cancellationToken)
    {
        int limit = limits.Value.EndpointsPerApp;
        int count = 0;
        string? iterator = null;
        Page<Endpoint> page;
        do
        {
            page = await store.ListEndpointsAsync(appId, new PageRequest(250, iterator), cancellationToken);
            count += page.Data.Count;
            iterator = page.Iterator;
        }
        while (!page.Done && count < limit);
        if (count >= limit)
        {
            throw new ApiException(StatusCodes.Status422UnprocessableEntity, "limit_reached",
                $"The application already has {limit} endpoints (Herald:Limits:EndpointsPerApp).");
        }
    }

    /// <summary>A symmetric secret gets its <c>whsec_</c> prefix; a <c>whsk_</c> key pair is kept as given.</summary>
    public static string? NormalizeSecret(string? secret) =>
        secret is null ? null
        : secret.StartsWith(WebhookSecret.Prefix, StringComparison.Ordinal) || secret.StartsWith(WebhookKeyPair.Prefix, StringComparison.Ordinal) ? secret
        : WebhookSecret.Prefix + secret;
}
