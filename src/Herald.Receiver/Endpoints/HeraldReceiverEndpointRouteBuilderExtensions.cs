using Herald.Receiver.DependencyInjection;
using Herald.Receiver.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Herald's webhook receivers to routes.</summary>
public static class HeraldReceiverEndpointRouteBuilderExtensions
{
    /// <summary>Accepts Standard Webhooks POSTs at <paramref name="pattern"/> for the unnamed receiver.</summary>
    public static IEndpointConventionBuilder MapHeraldWebhooks(this IEndpointRouteBuilder endpoints, string pattern = "/webhooks") =>
        endpoints.MapReceiver(pattern, Options.DefaultName);

    /// <summary>
    /// Accepts Standard Webhooks POSTs at <paramref name="pattern"/> for the receiver named <paramref name="receiverName"/>
    /// (added with <c>AddHeraldReceiver(receiverName, …)</c>); it verifies with that receiver's keys only.
    /// </summary>
    public static IEndpointConventionBuilder MapHeraldWebhooks(this IEndpointRouteBuilder endpoints, string pattern, string receiverName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(receiverName);
        return endpoints.MapReceiver(pattern, receiverName);
    }

    private static IEndpointConventionBuilder MapReceiver(this IEndpointRouteBuilder endpoints, string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        // Check the registration without resolving it, so option errors surface at host start (ValidateOnStart).
        if (ReceiverServices.Problem(endpoints.ServiceProvider, name) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        return endpoints.MapPost(pattern, context => context.RequestServices.GetRequiredKeyedService<WebhookEndpoint>(name).HandleAsync(context))
            .WithDisplayName(name.Length == 0 ? "Herald webhook receiver" : $"Herald webhook receiver '{name}'");
    }
}
