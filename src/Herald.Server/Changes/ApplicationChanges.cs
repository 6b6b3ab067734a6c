using Herald.Ids;
using Herald.Model;
using Herald.Storage;

namespace Herald.Server.Changes;

/// <summary>Every change to an application, from the API or the dashboard, validated by one set of rules.</summary>
internal sealed class ApplicationChanges(IApplicationStore store, TimeProvider time)
{
    public async Task<Application> CreateAsync(ApplicationDraft draft, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var app = new Application
        {
            Id = HeraldId.New(HeraldId.App, now), Uid = draft.Uid, Name = draft.Name, ThrottleRate = draft.ThrottleRate,
            Metadata = draft.Metadata ?? new Dictionary<string, string>(), CreatedAt = now, UpdatedAt = now,
        };
        ChangeRules.Check(app);
        await store.CreateApplicationAsync(app, cancellationToken);
        return app;
    }

    public async Task<Application> UpdateAsync(Application existing, Func<Application, Application> change, CancellationToken cancellationToken)
    {
        var updated = change(existing) with { Id = existing.Id, UpdatedAt = time.GetUtcNow() };
        ChangeRules.Check(updated);
        await store.UpdateApplicationAsync(updated, cancellationToken);
        return updated;
    }

    public Task<bool> DeleteAsync(Application existing, CancellationToken cancellationToken) => store.DeleteApplicationAsync(existing.Id, cancellationToken);
}
