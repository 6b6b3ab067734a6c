using System.ComponentModel;
using System.Globalization;

namespace Herald.Server.Hosting;

/// <summary>
/// Reads an enum from configuration by name (any case; a comma-separated list for flags), refusing numbers and
/// unknown names with the names it knows. The configuration binder reports the key with the message.
/// </summary>
internal sealed class ConfigurationEnumConverter<TEnum>() : EnumConverter(typeof(TEnum)) where TEnum : struct, Enum
{
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        if (value is string text)
        {
            var names = text.Split(',', StringSplitOptions.TrimEntries);
            if (names.All(n => n.Length > 0 && !char.IsAsciiDigit(n[0]) && n[0] != '-' && n[0] != '+')
                && Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed))
            {
                return parsed;
            }
            string known = string.Join(", ", Enum.GetNames<TEnum>().Where(n => n != "None").Select(n => n.ToLowerInvariant()));
            throw new FormatException($"'{text}' is not one of: {known}.");
        }
        return base.ConvertFrom(context, culture, value);
    }
}
