using Herald.Outbox;

namespace Microsoft.EntityFrameworkCore;

/// <summary>Enqueues webhooks through an EF Core <c>DbContext</c>, saved with its other changes.</summary>
public static class HeraldOutboxContextExtensions
{
    /// <summary>The outbox of this context (its model must call <c>modelBuilder.AddHeraldOutbox()</c>).</summary>
    /// <param name="context">The context whose <c>SaveChanges</c> writes the rows.</param>
    /// <param name="timeProvider">The clock for the rows' creation time; the system clock when null.</param>
    public static HeraldOutboxSet HeraldOutbox(this DbContext context, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new HeraldOutboxSet(context, timeProvider ?? TimeProvider.System);
    }
}
