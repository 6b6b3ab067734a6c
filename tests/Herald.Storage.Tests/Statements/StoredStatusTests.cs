using System.Globalization;
using Herald.Model;

namespace Herald.Storage.Tests.Statements;

/// <summary>The statuses the SQL spells out are the enum's numbers, which the status columns hold.</summary>
public sealed class StoredStatusTests
{
    [Theory]
    [InlineData(DeliveryStatus.Success, StoredStatus.Success)]
    [InlineData(DeliveryStatus.Pending, StoredStatus.Pending)]
    [InlineData(DeliveryStatus.Fail, StoredStatus.Fail)]
    [InlineData(DeliveryStatus.Sending, StoredStatus.Sending)]
    public void Constant_IsTheEnumsNumber(DeliveryStatus status, string stored) =>
        Assert.Equal(((int)status).ToString(CultureInfo.InvariantCulture), stored);

    [Fact]
    public void Lists_NameTheirStatuses()
    {
        Assert.Equal(StoredStatus.Queued, $"({(int)DeliveryStatus.Pending}, {(int)DeliveryStatus.Sending})");
        Assert.Equal(StoredStatus.SucceededOrSending, $"({(int)DeliveryStatus.Success}, {(int)DeliveryStatus.Sending})");
    }
}
