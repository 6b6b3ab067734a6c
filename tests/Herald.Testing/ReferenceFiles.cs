namespace Herald.Testing;

/// <summary>Finds the shared reference material (<c>shared/reference</c>) beside the repository.</summary>
public static class ReferenceFiles
{
    public static string Path(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "reference", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException(
            $"shared/reference/{fileName} was not found above {AppContext.BaseDirectory}. The tests expect the shared folder beside the repository (…/shared and …/<clone>).");
    }
}
