using CloudSeg.LocalEnvironment;

namespace CloudSeg.Testing;

/// <summary>How tests wait for asynchronous work: poll a condition with a deadline, never sleep a fixed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until <paramref name="condition"/> holds; throws TimeoutException naming <paramref name="what"/>.</summary>
    /// <param name="maxInterval">Longest pause between checks; shorter to catch a state that lasts only a moment.</param>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? maxInterval = null) =>
        Poll.UntilAsync(condition, what, timeout ?? DefaultTimeout, maxInterval: maxInterval);

    /// <summary>Returns the first non-null value <paramref name="probe"/> yields.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        T? value = null;
        await TrueAsync(async () => (value = await probe()) is not null, what, timeout);
        return value!;
    }
}
