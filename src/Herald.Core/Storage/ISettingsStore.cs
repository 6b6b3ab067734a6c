namespace Herald.Storage;

/// <summary>
/// Small key-value settings kept with the data (the admin token's digest, session keys, cluster-wide flags).
/// </summary>
public interface ISettingsStore
{
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);
    /// <summary>Sets the value when the key is absent; returns the value now stored.</summary>
    Task<string> SetSettingIfAbsentAsync(string key, string value, CancellationToken cancellationToken);
}
