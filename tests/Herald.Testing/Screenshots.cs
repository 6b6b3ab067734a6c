namespace Herald.Testing;

/// <summary>
/// Where the browser tests save their screenshots: a <c>screenshots/</c> folder next to the test binaries
/// (under bin/, ignored by git), so a test run never rewrites a tracked file. <c>bash scripts/screenshots.sh</c>
/// sets <see cref="EnvironmentVariable"/> to the repository's <c>docs/screenshots</c> to refresh the docs' pictures.
/// </summary>
public static class Screenshots
{
    public const string EnvironmentVariable = "HERALD_SCREENSHOTS_DIR";

    public static string Folder
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(configured) ? Path.Combine(AppContext.BaseDirectory, "screenshots") : Path.GetFullPath(configured);
        }
    }

    /// <summary>The file a screenshot called <paramref name="name"/> goes to; its folder exists.</summary>
    public static string PathFor(string name)
    {
        string folder = Folder;
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
