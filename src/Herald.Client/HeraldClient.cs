using System.Net.Http.Headers;
using Herald.Client.Http;

namespace Herald.Client;

/// <summary>
/// The Herald API (and the Svix API it is compatible with), one property per resource. Register it with
/// <c>services.AddHeraldClient(...)</c>; failures surface as <see cref="HeraldApiException"/>.
/// </summary>
public sealed class HeraldClient
{
    internal static readonly ProductInfoHeaderValue UserAgent =
        new("Herald.Client", typeof(HeraldClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    /// <summary>
    /// Wraps an <see cref="HttpClient"/> whose <see cref="HttpClient.BaseAddress"/> is the server (ending in <c>/</c>)
    /// and whose default headers carry the bearer token. <c>AddHeraldClient</c> sets both, and the retries.
    /// </summary>
    public HeraldClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        var api = new ApiTransport(httpClient);
        Applications = new ApplicationsClient(api);
        EventTypes = new EventTypesClient(api);
        Endpoints = new EndpointsClient(api);
        Messages = new MessagesClient(api);
        Attempts = new AttemptsClient(api);
        Authentication = new AuthenticationClient(api);
    }

    /// <summary>Applications, one per customer of yours (<c>/app</c>).</summary>
    public ApplicationsClient Applications { get; }

    /// <summary>The event types messages are sent as (<c>/event-type</c>).</summary>
    public EventTypesClient EventTypes { get; }

    /// <summary>The URLs an application's messages are delivered to (<c>/app/{app}/endpoint</c>).</summary>
    public EndpointsClient Endpoints { get; }

    /// <summary>Sending messages and reading them back (<c>/app/{app}/msg</c>).</summary>
    public MessagesClient Messages { get; }

    /// <summary>Delivery attempts and where each message's deliveries stand.</summary>
    public AttemptsClient Attempts { get; }

    /// <summary>Consumer portal links (<c>app-portal-access</c>).</summary>
    public AuthenticationClient Authentication { get; }
}
