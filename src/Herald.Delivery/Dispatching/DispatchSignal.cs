namespace Herald.Delivery.Dispatching;

/// <summary>Wakes the dispatcher when new work was committed, so it need not wait for its next poll.</summary>
public sealed class DispatchSignal
{
    private volatile TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => _next.TrySetResult();

    /// <summary>A task that completes at the next <see cref="Notify"/>; call <see cref="Reset"/> before looking for work.</summary>
    public Task WaitAsync() => _next.Task;

    public void Reset()
    {
        if (_next.Task.IsCompleted)
        {
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
