namespace Herald.Model;

/// <summary>Delivery and attempt status, numbered as in the Svix API.</summary>
public enum DeliveryStatus
{
    Success = 0,
    Pending = 1,
    Fail = 2,
    Sending = 3,
}

public enum TriggerType
{
    Scheduled = 0,
    Manual = 1,
}

public static class DeliveryStatusText
{
    public static string Of(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Success => "success",
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Fail => "fail",
        _ => "sending",
    };
}
