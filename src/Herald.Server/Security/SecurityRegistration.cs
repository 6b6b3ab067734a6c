using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Herald.Server.Security;

internal static class SecurityRegistration
{
    public static IServiceCollection AddHeraldSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection("Herald:Security")).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());
        services.TryAddSingleton<FailedAuthLimiter>();
        services.TryAddSingleton<PublicBaseUrl>();
        return services;
    }

    /// <summary>Forwarded headers first (they decide the client's address and scheme), then the response headers.</summary>
    public static IApplicationBuilder UseHeraldSecurity(this IApplicationBuilder app) =>
        app.UseHeraldForwardedHeaders().UseMiddleware<SecurityHeaders>();
}

internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options) =>
        ForwardedHeadersSetup.Problems(options).ToList() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
