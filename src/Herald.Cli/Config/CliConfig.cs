using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Cli.Config;

/// <summary>What <c>herald login</c> saves: the server URL and its token.</summary>
internal sealed record CliConfig(string? Url, string? Token);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(CliConfig))]
internal sealed partial class CliConfigJsonContext : JsonSerializerContext;

/// <summary>Reads and writes the config file: <c>$XDG_CONFIG_HOME/herald/config.json</c> or <c>~/.config/herald/config.json</c>.</summary>
internal static class ConfigFile
{
    public static string PathFor(Func<string, string?> env)
    {
        string? root = env("XDG_CONFIG_HOME");
        if (string.IsNullOrEmpty(root))
        {
            string home = env("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            root = Path.Combine(home, ".config");
        }
        return Path.Combine(root, "herald", "config.json");
    }

    public static CliConfig? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), CliConfigJsonContext.Default.CliConfig);
        }
        catch (JsonException ex)
        {
            throw new CliException($"The config file {path} is not valid JSON ({ex.Message}); run herald login again.");
        }
    }

    /// <summary>Writes the file readable by its owner only, since it holds a token.</summary>
    public static void Save(string path, CliConfig config)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, config, CliConfigJsonContext.Default.CliConfig);
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
