using Herald.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.Server.Security;

internal static class SecurityRegistration
{
    public static IServiceCollection AddHeraldSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHeraldOptions<SecurityOptions, SecurityOptionsValidator>(configuration, "Herald:Security");
        services.TryAddSingleton<FailedAuthLimiter>();
        services.TryAddSingleton<PublicBaseUrl>();
        return services;
    }

    /// <summary>Forwarded headers first (they decide the client's address and scheme), then the response headers.</summary>
    public static IApplicationBuilder UseHeraldSecurity(this IApplicationBuilder app) =>
        app.UseHeraldForwardedHeaders().UseMiddleware<SecurityHeaders>();
}
