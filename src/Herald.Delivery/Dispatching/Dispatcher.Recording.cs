using Herald.Storage;
using Herald.Storage.Queue;

namespace Herald.Delivery.Dispatching;

public sealed partial class Dispatcher
{
    /// <summary>What an attempt keeps when the store refused it with its response.</summary>
    internal const string ResponseRefused = "[Herald could not store this response: the database refused it.]";

    /// <summary>
    /// Writes a batch of results. While the store cannot be reached the batch is kept and tried again. A batch the
    /// store refuses is split in halves until the refused results are alone; each is written once more without its
    /// response body and request headers, and if even that is refused it is dropped (its lease expires and the
    /// delivery is sent again). No result can hold up the others for longer than those few writes.
    /// </summary>
    private async Task RecordAsync(List<(DueDelivery Delivery, DeliveryResult Result)> batch)
    {
        while (true)
        {
            try
            {
                var recorded = await _store.RecordResultsAsync(batch.ConvertAll(b => b.Result), CancellationToken.None);
                RecordingSucceeded();
                SawBreakers(recorded.Breakers);
                Notify(batch, recorded);
                WakeForSuccessors(batch);
                return;
            }
            catch (StoreUnavailableException ex)
            {
                _recordingFails = true; // claim nothing new while results cannot be written
                Log.RecordFailed(_logger, batch.Count, ex);
                if (!await PauseAsync())
                {
                    return; // forced shutdown: leases expire and the deliveries are tried again
                }
            }
            catch (Exception ex)
            {
                if (batch.Count > 1)
                {
                    Log.RecordRefused(_logger, batch.Count, ex);
                    int half = batch.Count / 2;
                    await RecordAsync(batch.GetRange(0, half));
                    await RecordAsync(batch.GetRange(half, batch.Count - half));
                }
                else
                {
                    await RecordWithoutResponseAsync(batch[0], ex);
                }
                return;
            }
        }
    }

    private async Task RecordWithoutResponseAsync((DueDelivery Delivery, DeliveryResult Result) refused, Exception reason)
    {
        var (delivery, result) = refused;
        if (result.Attempt is { } attempt && (attempt.Response != ResponseRefused || attempt.RequestHeadersJson is not null))
        {
            Log.RecordingWithoutResponse(_logger, delivery.DeliveryId, delivery.EndpointId, reason);
            var bare = result with { Attempt = attempt with { Response = ResponseRefused, RequestHeadersJson = null } };
            try
            {
                var recorded = await _store.RecordResultsAsync([bare], CancellationToken.None);
                SawBreakers(recorded.Breakers);
                Notify([(delivery, bare)], recorded);
                return;
            }
            catch (Exception ex) when (ex is not StoreUnavailableException)
            {
                reason = ex;
            }
            catch (StoreUnavailableException ex)
            {
                // The store went away meanwhile: keep trying the bare result like any other.
                Log.RecordFailed(_logger, 1, ex);
                if (await PauseAsync())
                {
                    await RecordAsync([(delivery, bare)]);
                }
                return;
            }
        }
        Log.ResultDropped(_logger, delivery.DeliveryId, delivery.EndpointId, reason);
    }

    /// <summary>
    /// When an ordered delivery finished (sent, or given up on), the store made the next of its key due: claim it
    /// now rather than at the next poll, so that one key's throughput is not bounded by the poll interval.
    /// </summary>
    private void WakeForSuccessors(List<(DueDelivery Delivery, DeliveryResult Result)> batch)
    {
        foreach (var (_, result) in batch)
        {
            if (result.Ordered && result.NewStatus != Model.DeliveryStatus.Pending)
            {
                _signal.Notify();
                return;
            }
        }
    }

    /// <summary>Waits before the store is tried again; false when a forced shutdown cut the wait short.</summary>
    private async Task<bool> PauseAsync()
    {
        if (_abort.IsCancellationRequested)
        {
            return false;
        }
        try
        {
            await Task.Delay(_options.PollInterval, _time, _abort.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
