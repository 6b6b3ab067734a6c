namespace Herald.Checkout.Tests.Infrastructure;

public static class RepositoryPaths
{
    /// <summary>The folder holding <c>Herald.slnx</c>, found by walking up from the test binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException($"Herald.slnx was not found above {AppContext.BaseDirectory}.");
    }
}
