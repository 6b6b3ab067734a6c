using Herald.Outbox;

namespace Microsoft.EntityFrameworkCore;

public static class HeraldOutboxContextExtensions
{
    /// <summary>The outbox of this context (its model must call <c>modelBuilder.AddHeraldOutbox()</c>).</summary>
    public static HeraldOutboxSet HeraldOutbox(this DbContext context, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new HeraldOutboxSet(context, timeProvider ?? TimeProvider.System);
    }
}
