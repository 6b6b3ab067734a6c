using Herald.Model;

namespace Herald.Storage;

/// <summary>
/// <see cref="DeliveryStatus"/> as the SQL spells it: the <c>status</c> columns of deliveries and attempts hold the
/// enum's numbers. Constants, so that statements built from them stay compile-time strings; a test holds them to the enum.
/// </summary>
internal static class StoredStatus
{
    public const string Success = "0";
    public const string Pending = "1";
    public const string Fail = "2";
    public const string Sending = "3";

    /// <summary>In the queue: waiting (pending) or held by a lease (sending). The partial queue indexes cover exactly these.</summary>
    public const string Queued = "(" + Pending + ", " + Sending + ")";

    /// <summary>Finished: succeeded, or failed after its last retry.</summary>
    public const string Finished = "(" + Success + ", " + Fail + ")";

    /// <summary>Reached the endpoint or is on its way there: a replay leaves such a delivery alone.</summary>
    public const string SucceededOrSending = "(" + Success + ", " + Sending + ")";
}
