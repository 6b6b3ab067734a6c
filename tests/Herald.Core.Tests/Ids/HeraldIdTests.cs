using Herald.Ids;

namespace Herald.Core.Tests.Ids;

public sealed class HeraldIdTests
{
    [Fact]
    public void Ids_carry_their_prefix_and_fixed_length()
    {
        var id = HeraldId.New(HeraldId.Message, DateTimeOffset.UnixEpoch.AddYears(56));
        Assert.StartsWith("msg_", id, StringComparison.Ordinal);
        Assert.True(HeraldId.HasPrefix(id, HeraldId.Message));
        Assert.False(HeraldId.HasPrefix(id, HeraldId.App));
    }

    [Fact]
    public void Ids_sort_by_creation_time_even_within_one_millisecond()
    {
        var t = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        var ids = Enumerable.Range(0, 2000).Select(i => HeraldId.New(HeraldId.App, t.AddMilliseconds(i / 100))).ToList();
        Assert.Equal(ids, ids.OrderBy(x => x, StringComparer.Ordinal).ToList());
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void The_time_of_an_id_round_trips_and_bounds_range_queries()
    {
        var t = new DateTimeOffset(2026, 11, 28, 12, 0, 0, 123, TimeSpan.Zero);
        var id = HeraldId.New(HeraldId.Endpoint, t);
        Assert.Equal(t, HeraldId.TimeOf(id, HeraldId.Endpoint));
        Assert.True(string.CompareOrdinal(HeraldId.LowerBound(HeraldId.Endpoint, t), id) <= 0);
        Assert.True(string.CompareOrdinal(HeraldId.LowerBound(HeraldId.Endpoint, t.AddMilliseconds(1)), id) > 0);
        Assert.Null(HeraldId.TimeOf("ep_short", HeraldId.Endpoint));
    }
}
