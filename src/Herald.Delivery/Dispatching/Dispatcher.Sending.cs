using Herald.Delivery.Sending;
using Herald.Ids;
using Herald.Model;
using Herald.Retries;
using Herald.Storage;
using Herald.Storage.Queue;

namespace Herald.Delivery.Dispatching;

public sealed partial class Dispatcher
{
    private void Start(DueDelivery delivery)
    {
        Interlocked.Increment(ref _sending);
        _ = Task.Run(() => SendChainAsync(delivery), CancellationToken.None);
    }

    /// <summary>Sends one delivery, then whatever waits behind it for the same endpoint.</summary>
    private async Task SendChainAsync(DueDelivery? delivery)
    {
        try
        {
            while (delivery is not null)
            {
                if (delivery.ThrottleRate is not null && !_stopping && _lanes.Bucket(delivery.EndpointId) is { } bucket)
                {
                    await WaitForTurnAsync(bucket);
                }
                if (delivery.ThrottleRate is { } rate && !_stopping && _clusterTurns is not null
                    && !await WaitForClusterTurnAsync(_clusterTurns, delivery, rate))
                {
                    // No turn within its lease: handed back, with what waits behind it.
                }
                else if (_stopping || _abort.IsCancellationRequested || !LeaseCoversRequest(delivery))
                {
                    // Shutting down, or the lease could run out mid-request (after a wait in line, for a throttled
                    // endpoint's turn, or in a process frozen for a while) and another worker send it too: hand it
                    // back instead; the release is fenced, so one that another worker holds already is left alone.
                    await ReleaseAsync([delivery]);
                }
                else if (await PassBreakerAsync(delivery) is { } passed)
                {
                    await SendOneAsync(passed);
                }
                delivery = _lanes.Complete(delivery, out bool freed);
                if (freed)
                {
                    _signal.Notify();
                }
            }
        }
        finally
        {
            if (Interlocked.Decrement(ref _sending) == 0 && _stopping)
            {
                _idle.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Whether the request, should it take its whole timeout, ends before the lease does. Checked right before each
    /// send: only then can no other worker have claimed the delivery while this one still sends it.
    /// </summary>
    private bool LeaseCoversRequest(DueDelivery delivery) => _time.GetUtcNow() + _options.RequestTimeout < delivery.LeaseUntil;

    /// <summary>How much earlier than its lease allows a throttled delivery's turn must come: room for a late timer.</summary>
    private static readonly TimeSpan TurnMargin = TimeSpan.FromSeconds(1);

    /// <summary>Results are written again: claiming resumes.</summary>
    private void RecordingSucceeded()
    {
        if (_recordingFails)
        {
            _recordingFails = false;
            _signal.Notify();
        }
    }

    /// <summary>Waits until the throttled endpoint may be sent to again.</summary>
    private async ValueTask WaitForTurnAsync(TokenBucket bucket)
    {
        try
        {
            await bucket.WaitAsync(_stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // shutting down: the delivery is released
        }
    }

    /// <summary>
    /// Waits for the throttled endpoint's next turn on the schedule every node shares; false when the schedule has
    /// no turn left that this delivery could use before its lease runs out (or it kept missing its turns, see
    /// <see cref="ClusterTurns"/>). Then the delivery and what waits behind
    /// it in this node's line are handed back, due when the schedule will have room for them, instead of taking
    /// turns they could not keep (a turn nobody sends at is lost to the endpoint). If the store cannot be asked,
    /// this node's own bucket has to do: a rate briefly exceeded beats deliveries stopped by a bookkeeping outage.
    /// </summary>
    private async ValueTask<bool> WaitForClusterTurnAsync(ClusterTurns cluster, DueDelivery delivery, int rate)
    {
        try
        {
            if (await cluster.WaitForTurnAsync(delivery.EndpointId, rate, delivery.LeaseUntil - _options.RequestTimeout - TurnMargin, _stop.Token) is { } next)
            {
                var now = _time.GetUtcNow();
                var dueAt = next - (_options.Lease - _options.RequestTimeout - TurnMargin);
                // A schedule full beyond this lease holds back the line behind it too; a missed turn only this one.
                await ReleaseAsync(dueAt > now ? [delivery, .. _lanes.TakeWaiting(delivery.EndpointId)] : [delivery], dueAt > now ? dueAt : now);
                return false;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // shutting down: the delivery is released
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ClusterThrottleFailed(_logger, delivery.EndpointId, ex);
        }
        return true;
    }

    private async Task SendOneAsync(DueDelivery delivery)
    {
        SendResult? sent = null;
        if (!delivery.EndpointDisabled)
        {
            try
            {
                sent = await _sender.SendAsync(delivery, _abort.Token);
            }
            catch (OperationCanceledException) when (_abort.IsCancellationRequested)
            {
                await ReleaseAsync([delivery]);
                return;
            }
            catch (Exception ex)
            {
                Log.SendCrashed(_logger, delivery.DeliveryId, ex);
                var now = _time.GetUtcNow();
                sent = new SendResult(AttemptOutcome.NetworkError, 0, "Internal error while sending.", TimeSpan.Zero, now, null);
            }
        }
        var result = Evaluate(delivery, sent);
        await _results.Writer.WriteAsync((delivery, result), CancellationToken.None);
    }

    private DeliveryResult Evaluate(DueDelivery delivery, SendResult? sent)
    {
        var now = _time.GetUtcNow();
        int attempts = delivery.AttemptsMade + (sent is null ? 0 : 1);
        var common = new DeliveryResult
        {
            DeliveryId = delivery.DeliveryId,
            LeaseToken = delivery.LeaseToken,
            Attempt = null,
            NewStatus = DeliveryStatus.Fail,
            AttemptsMade = attempts,
            Health = EndpointHealth.Untouched,
            Now = now,
            DisableIfFailingSince = now - _options.DisableAfterFailingFor,
            Breaker = _breaker,
            Probe = delivery.Probe,
            Ordered = delivery.OrderingKey is not null,
        };
        if (sent is null)
        {
            return common; // the endpoint is disabled: nothing is sent
        }
        Log.Attempted(_logger, delivery.MsgId, delivery.EndpointId, attempts, sent.StatusCode, (long)sent.Duration.TotalMilliseconds);
        var outcome = sent.Outcome;
        var attempt = new Attempt
        {
            Id = HeraldId.New(HeraldId.Attempt, sent.StartedAt),
            MsgId = delivery.MsgId,
            AppId = delivery.AppId,
            EndpointId = delivery.EndpointId,
            Url = delivery.Url,
            Status = outcome.Kind == OutcomeKind.Success ? DeliveryStatus.Success : DeliveryStatus.Fail,
            ResponseStatusCode = sent.StatusCode,
            // Whatever the sender produced, the stores must accept it: no NUL, no unpaired surrogate, bounded.
            Response = ResponseText.Clean(sent.Response, Math.Max(_options.ResponseBodyLimit, 1024)),
            ResponseDurationMs = (long)sent.Duration.TotalMilliseconds,
            TriggerType = delivery.Trigger,
            Timestamp = sent.StartedAt,
            RequestHeadersJson = sent.RequestHeadersJson,
        };
        if (outcome.Kind == OutcomeKind.Success)
        {
            return common with { Attempt = attempt, NewStatus = DeliveryStatus.Success, Health = EndpointHealth.Succeeded };
        }
        if (outcome.Kind == OutcomeKind.Gone)
        {
            return common with { Attempt = attempt, Health = EndpointHealth.Gone };
        }
        var delay = _retry.NextDelay(attempts, outcome, Random.Shared.NextDouble());
        return delay is { } d
            ? common with { Attempt = attempt, NewStatus = DeliveryStatus.Pending, NextAttemptAt = now + d, Health = EndpointHealth.Failed }
            : common with { Attempt = attempt, Health = EndpointHealth.Failed };
    }

    private async Task WriteResultsAsync()
    {
        var batch = new List<(DueDelivery Delivery, DeliveryResult Result)>(1024);
        while (await _results.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < 1024 && _results.Reader.TryRead(out var outcome))
            {
                batch.Add(outcome);
            }
            await RecordAsync(batch);
            batch.Clear();
        }
    }

    private void Notify(List<(DueDelivery Delivery, DeliveryResult Result)> batch, RecordedResults recorded)
    {
        var changed = recorded.Breakers.Count == 0 ? [] : recorded.Breakers.Where(b => b.Changed).ToList();
        foreach (var observer in _observers)
        {
            try
            {
                observer.Recorded(batch);
                if (recorded.Disabled.Count > 0)
                {
                    observer.EndpointsDisabled(recorded.Disabled);
                }
                if (changed.Count > 0)
                {
                    observer.BreakersChanged(changed);
                }
            }
            catch (Exception ex)
            {
                Log.ObserverFailed(_logger, observer.GetType().Name, ex);
            }
        }
    }
}
