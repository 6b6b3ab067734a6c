// Tests share no state but each starts a server; run them one at a time on small machines.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
