using Herald.Receiver.Endpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver;

public static class HeraldReceiverEndpointRouteBuilderExtensions
{
    /// <summary>Accepts Standard Webhooks POSTs at <paramref name="pattern"/>.</summary>
    public static IEndpointConventionBuilder MapHeraldWebhooks(this IEndpointRouteBuilder endpoints, string pattern = "/webhooks")
    {
        // Check the registration without resolving it, so option errors surface at host start (ValidateOnStart).
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>()?.IsService(typeof(WebhookEndpoint)) != true)
        {
            throw new InvalidOperationException(
                "Herald's receiver is not registered; call builder.Services.AddHeraldReceiver(builder.Configuration.GetSection(\"Herald:Receiver\")) first.");
        }
        return endpoints.MapPost(pattern, static context => context.RequestServices.GetRequiredService<WebhookEndpoint>().HandleAsync(context))
            .WithDisplayName("Herald webhook receiver");
    }
}
