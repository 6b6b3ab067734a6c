namespace Herald.Testing;

/// <summary>
/// Reference data kept in the repository (<c>tests/Herald.Testing/Vectors</c>, see its README), copied next to
/// the test binaries at build time. Nothing is read from outside the repository.
/// </summary>
public static class ReferenceFiles
{
    public static string Path(string fileName)
    {
        var candidate = System.IO.Path.Combine(AppContext.BaseDirectory, "Vectors", fileName);
        if (!File.Exists(candidate))
        {
            throw new FileNotFoundException(
                $"Vectors/{fileName} is missing next to the test binaries ({AppContext.BaseDirectory}). " +
                "It comes from tests/Herald.Testing/Vectors in the repository and is copied by the build; rebuild the test project.",
                candidate);
        }
        return candidate;
    }
}
