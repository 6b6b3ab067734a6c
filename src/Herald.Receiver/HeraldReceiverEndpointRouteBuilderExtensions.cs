using Herald.Receiver.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver;

public static class HeraldReceiverEndpointRouteBuilderExtensions
{
    /// <summary>Accepts Standard Webhooks POSTs at <paramref name="pattern"/>.</summary>
    public static IEndpointConventionBuilder MapHeraldWebhooks(this IEndpointRouteBuilder endpoints, string pattern = "/webhooks")
    {
        var endpoint = endpoints.ServiceProvider.GetService<WebhookEndpoint>()
            ?? throw new InvalidOperationException(
                "Herald's receiver is not registered; call builder.Services.AddHeraldReceiver(builder.Configuration.GetSection(\"Herald:Receiver\")) first.");
        return endpoints.MapPost(pattern, endpoint.HandleAsync)
            .WithDisplayName("Herald webhook receiver");
    }
}
