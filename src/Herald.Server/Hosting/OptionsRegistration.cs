using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Herald.Server.Hosting;

/// <summary>
/// One way to register every options class of the server: bound from its configuration section, checked by its
/// source-generated validator when the host starts, with failures that name the configuration key.
/// </summary>
internal static class OptionsRegistration
{
    public static OptionsBuilder<TOptions> AddHeraldOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string key)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new KeyedOptionsValidator<TOptions>(key, new TValidator())));
        return services.AddOptions<TOptions>().Bind(configuration.GetSection(key)).ValidateOnStart();
    }
}

/// <summary>
/// Runs a generated validator under the section's configuration key, so that its messages say
/// <c>Herald:Delivery:BatchSize</c> where they would say <c>DeliveryOptions.BatchSize</c>.
/// </summary>
internal sealed class KeyedOptionsValidator<TOptions>(string key, IValidateOptions<TOptions> inner) : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly Regex _path = new(Regex.Escape(key) + @"(\.[A-Za-z_]\w*)+", RegexOptions.CultureInvariant);

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        // The generated code prefixes members with the name it is given: the section's key is the name that helps.
        var result = inner.Validate(key, options);
        return result.Failed ? ValidateOptionsResult.Fail(result.Failures!.Select(Keyed)) : result;
    }

    private string Keyed(string failure)
    {
        // "BatchSize: The field Herald:Delivery.BatchSize must be …" becomes "The field Herald:Delivery:BatchSize must be …".
        failure = OptionsMessages.MemberPrefix().Replace(failure, "");
        return _path.Replace(failure, m => m.Value.Replace('.', ':'));
    }
}

internal static partial class OptionsMessages
{
    /// <summary>The member names a validation result's message starts with (<c>BatchSize: </c>).</summary>
    [GeneratedRegex(@"^\w+(?:, \w+)*: ", RegexOptions.CultureInvariant)]
    public static partial Regex MemberPrefix();
}
