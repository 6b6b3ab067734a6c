using System.Text.Json;
using Checkout.Provider.Payments;

namespace Checkout.Provider.Herald;

// The slice of Herald's Svix-compatible API that the provider uses.
internal sealed record HeraldApplicationIn(string Name, string Uid);

internal sealed record HeraldEventTypeIn(string Name, string Description);

internal sealed record HeraldEndpointIn(Uri Url, string Uid, string Description, IReadOnlyList<string> EventTypes);

internal sealed record HeraldIdOut(string Id);

internal sealed record HeraldSecretOut(string Key);

/// <summary>The Standard Webhooks payload shape; the receiver routes on <c>type</c> and hands <c>data</c> to the handler.</summary>
internal sealed record PaymentEventEnvelope(string Type, DateTimeOffset Timestamp, PaymentEventData Data);
