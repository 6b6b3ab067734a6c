using Herald.Delivery.Dispatching;
using Herald.Model;
using Herald.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Herald.Delivery.Tests.Dispatching;

public sealed class EndpointLanesTests
{
    private const int PerEndpoint = 8;
    private const int WaitingPerEndpoint = 64;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private long _nextId;

    private EndpointLanes Lanes() => new(1000, PerEndpoint, WaitingPerEndpoint, TimeSpan.FromSeconds(10), _time);

    private DueDelivery Delivery(string endpointId, int? throttleRate = null, string appId = "app_1", int attemptsMade = 0) => new()
    {
        DeliveryId = ++_nextId, MsgId = $"msg_{_nextId}", AppId = appId, EndpointId = endpointId, AttemptsMade = attemptsMade,
        Trigger = TriggerType.Scheduled, EventType = "invoice.paid", Payload = "{}", Url = "https://shop.example/hook",
        EndpointDisabled = false, Secrets = ["whsec_x"], Headers = new Dictionary<string, string>(), ThrottleRate = throttleRate,
    };

    private static List<bool?> AdmitMany(EndpointLanes lanes, Func<DueDelivery> next, int count) =>
        Enumerable.Range(0, count).Select(_ => lanes.Admit(next())).ToList();

    [Fact]
    public void With_default_options_a_hanging_endpoint_does_not_cut_its_applications_next_claim_short()
    {
        var options = new DeliveryOptions();
        var lanes = EndpointLanes.For(options, _time);

        // One endpoint that never answers: its lane fills (in flight and waiting) and nothing of it finishes.
        while (!lanes.Saturated().Contains("ep_hanging"))
        {
            Assert.NotNull(lanes.Admit(Delivery("ep_hanging")));
        }
        // The batch just claimed for ten healthy endpoints is being sent while the claimer takes the next.
        for (int i = 0; i < options.BatchSize; i++)
        {
            Assert.True(lanes.Admit(Delivery($"ep_ok_{i % 10}")));
        }

        Assert.True(lanes.Limits().RoomOf("app_1") >= options.BatchSize,
            $"room {lanes.Limits().RoomOf("app_1")} with {lanes.HeldOf("app_1")} held: the next claim would come out short of a batch");
    }

    [Fact]
    public void A_throttled_lane_sends_at_most_rate_at_once_and_holds_what_it_can_send_in_half_the_lease()
    {
        var lanes = Lanes();

        // 4/s with a 10 s lease: 4 in flight, 20 held in all, left out of claims from 15 held.
        var admitted = AdmitMany(lanes, () => Delivery("ep_slow", 4), 14);
        Assert.Equal(4, admitted.Count(a => a == true));
        Assert.Empty(lanes.Saturated());
        admitted.AddRange(AdmitMany(lanes, () => Delivery("ep_slow", 4), 7));

        Assert.Equal(["ep_slow"], lanes.Saturated());
        Assert.Equal(16, admitted.Count(a => a == false));
        Assert.Null(admitted[^1]); // the 21st goes back to the queue
        Assert.Equal(20, lanes.Held);
        Assert.NotNull(lanes.Bucket("ep_slow"));
    }

    [Fact]
    public void An_unthrottled_endpoint_keeps_the_ordinary_lane_next_to_a_throttled_one()
    {
        var lanes = Lanes();
        AdmitMany(lanes, () => Delivery("ep_slow", 1), 5);

        var admitted = AdmitMany(lanes, () => Delivery("ep_fast"), PerEndpoint + WaitingPerEndpoint + 1);

        Assert.Equal(PerEndpoint, admitted.Count(a => a == true));
        Assert.Equal(WaitingPerEndpoint, admitted.Count(a => a == false));
        Assert.Null(admitted[^1]);
        Assert.Null(lanes.Bucket("ep_fast"));
        Assert.Contains("ep_fast", lanes.Saturated());
    }

    [Fact]
    public void A_drained_throttled_lane_asks_for_more_work_at_half_its_hold()
    {
        var lanes = Lanes();
        AdmitMany(lanes, () => Delivery("ep_slow", 4), 20);

        var refills = new List<bool>();
        for (int i = 0; i < 20; i++)
        {
            lanes.Complete(Delivery("ep_slow"), out bool refill);
            refills.Add(refill);
        }

        Assert.Equal([9], refills.Select((r, i) => (r, i)).Where(x => x.r).Select(x => x.i)); // 10 left after the 10th
        Assert.Equal(0, lanes.Held);
    }

    [Fact]
    public void A_lane_whose_rate_is_removed_is_ordinary_again()
    {
        var lanes = Lanes();
        AdmitMany(lanes, () => Delivery("ep_1", 2), 2);

        var admitted = AdmitMany(lanes, () => Delivery("ep_1"), PerEndpoint);

        Assert.Equal(PerEndpoint - 2, admitted.Count(a => a == true));
        Assert.Null(lanes.Bucket("ep_1"));
    }

    [Fact]
    public void A_lowered_rate_ends_the_extra_send_chains_before_the_line_moves_on()
    {
        var lanes = Lanes();
        AdmitMany(lanes, () => Delivery("ep_1", 8), 9); // 8 in flight, 1 waiting

        Assert.False(lanes.Admit(Delivery("ep_1", 2))); // 2 in flight and 10 held from now on

        var next = Enumerable.Range(0, 7).Select(_ => lanes.Complete(Delivery("ep_1"), out bool _)).ToList();
        Assert.Equal(6, next.TakeWhile(d => d is null).Count()); // 8 chains down to 2
        Assert.NotNull(next[6]);
        Assert.Equal(2, lanes.Bucket("ep_1")!.Rate);
    }

    [Fact]
    public void An_endpoints_bucket_outlives_its_emptied_lane_so_a_refill_does_not_start_a_new_burst()
    {
        var lanes = Lanes();
        Assert.True(lanes.Admit(Delivery("ep_1", 2)));
        var bucket = lanes.Bucket("ep_1")!;
        bucket.Take();
        bucket.Take();
        lanes.Complete(Delivery("ep_1"), out _);
        Assert.Null(lanes.Bucket("ep_1")); // nothing held

        Assert.True(lanes.Admit(Delivery("ep_1", 2)));

        Assert.Same(bucket, lanes.Bucket("ep_1"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), bucket.Take());
    }

    [Fact]
    public void An_application_holds_at_most_its_limit_however_many_endpoints_it_has_and_the_others_keep_their_room()
    {
        var lanes = new EndpointLanes(1000, PerEndpoint, WaitingPerEndpoint, TimeSpan.FromSeconds(10), _time, perApp: 20);
        int endpoint = 0;

        var noisy = AdmitMany(lanes, () => Delivery($"ep_hang_{endpoint++ % 10}", appId: "app_noisy"), 50);
        var quiet = AdmitMany(lanes, () => Delivery("ep_shop", appId: "app_shop"), 3);

        Assert.Equal(20, noisy.Count(a => a is not null));
        Assert.All(noisy.Skip(20), a => Assert.Null(a)); // back to the queue
        Assert.Equal([true, true, true], quiet);
        Assert.Equal((20, 3), (lanes.HeldOf("app_noisy"), lanes.HeldOf("app_shop")));
        var limits = lanes.Limits();
        Assert.Equal((0, 17, 20), (limits.RoomOf("app_noisy"), limits.RoomOf("app_shop"), limits.RoomOf("app_new")));
    }

    [Fact]
    public void Retries_hold_at_most_their_share_while_first_attempts_are_still_admitted()
    {
        var lanes = new EndpointLanes(1000, PerEndpoint, WaitingPerEndpoint, TimeSpan.FromSeconds(10), _time, maxRetries: 6);
        int endpoint = 0;

        var retries = AdmitMany(lanes, () => Delivery($"ep_{endpoint++ % 4}", attemptsMade: 3), 10);
        var first = AdmitMany(lanes, () => Delivery($"ep_{endpoint++ % 4}"), 10);

        Assert.Equal(6, retries.Count(a => a is not null));
        Assert.Equal(10, first.Count(a => a is not null));
        Assert.Equal((6, 0), (lanes.Retries, lanes.Limits().Retries));
        Assert.Equal(16, lanes.Held);
    }

    [Fact]
    public void An_application_at_its_limit_asks_for_more_work_when_it_has_drained_to_half()
    {
        var lanes = new EndpointLanes(1000, PerEndpoint, WaitingPerEndpoint, TimeSpan.FromSeconds(10), _time, perApp: 8);
        var held = Enumerable.Range(0, 8).Select(i => Delivery($"ep_{i}", appId: "app_noisy")).ToList();
        Assert.All(held, d => Assert.True(lanes.Admit(d)));

        var refills = held.Select(d => { lanes.Complete(d, out bool refill); return refill; }).ToList();

        Assert.Equal([3], refills.Select((r, i) => (r, i)).Where(x => x.r).Select(x => x.i)); // 4 left after the 4th
        Assert.Equal(0, lanes.HeldOf("app_noisy"));
        Assert.DoesNotContain("app_noisy", lanes.Limits().AppRoom.Keys); // full room again
    }

    [Fact]
    public void An_endpoint_that_finishes_nothing_is_left_out_of_claims_once_as_much_waits_as_is_in_flight()
    {
        var lanes = Lanes();

        var admitted = AdmitMany(lanes, () => Delivery("ep_hang"), PerEndpoint * 2 - 1);
        Assert.Empty(lanes.Saturated());
        admitted.Add(lanes.Admit(Delivery("ep_hang")));

        Assert.Equal(["ep_hang"], lanes.Saturated()); // 8 in flight, 8 waiting; the lane itself could hold 72
        Assert.Equal(PerEndpoint, admitted.Count(a => a == true));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["ep_hang"], lanes.Saturated());
    }

    [Fact]
    public void An_endpoints_line_grows_to_what_it_finished_in_the_last_half_second_and_shrinks_when_it_stops()
    {
        var lanes = Lanes();
        var sent = AdmitMany(lanes, () => Delivery("ep_fast"), PerEndpoint);
        for (int i = 0; i < 40; i++)
        {
            Assert.Null(lanes.Complete(Delivery("ep_fast"), out _)); // 40 finished (the lane's count follows admits)
            lanes.Admit(Delivery("ep_fast"));
        }
        AdmitMany(lanes, () => Delivery("ep_fast"), 30); // 8 in flight, 30 waiting
        Assert.Empty(lanes.Saturated());

        AdmitMany(lanes, () => Delivery("ep_fast"), 10);
        Assert.Equal(["ep_fast"], lanes.Saturated()); // 40 waiting: what it finished

        _time.Advance(TimeSpan.FromSeconds(1.5)); // nothing finished for three windows: back to the smallest line
        Assert.Equal(["ep_fast"], lanes.Saturated());
        var refills = new List<bool>();
        for (int i = 0; i < 36; i++)
        {
            lanes.Complete(Delivery("ep_fast"), out bool refill);
            refills.Add(refill);
        }
        Assert.Contains(true, refills); // woken to refill once the line drained to half of its allowance
    }

    [Fact]
    public void The_line_of_an_endpoint_whose_breaker_opened_can_be_taken_out_leaving_its_application_room()
    {
        var lanes = new EndpointLanes(1000, PerEndpoint, WaitingPerEndpoint, TimeSpan.FromSeconds(10), _time, perApp: 100);
        AdmitMany(lanes, () => Delivery("ep_down", attemptsMade: 1), 30);

        var taken = lanes.TakeWaiting("ep_down");

        Assert.Equal(30 - PerEndpoint, taken.Count);
        Assert.Equal((PerEndpoint, PerEndpoint, PerEndpoint), (lanes.Held, lanes.HeldOf("app_1"), lanes.Retries));
        Assert.Empty(lanes.TakeWaiting("ep_down"));
        Assert.Null(lanes.Complete(Delivery("ep_down", attemptsMade: 1), out _)); // nothing waits behind the request in flight
    }
}
