package dev.stm32emu.cli.dfu;

import java.util.Map;

/**
 * Timing and traffic figures of one host run, for reports.
 *
 * @param requests        how many of each request were sent: DFU requests by name ("DNLOAD",
 *                        "GETSTATUS", ...), "SET_INTERFACE", "GET_DESCRIPTOR", and "RESET" for
 *                        device resets; the same buckets as the histogram in facts-vm-e2e.md §5
 * @param getStatusPolls  GETSTATUS requests sent (also in {@code requests})
 * @param pollWaitMillis  time waited because the device asked for it (bwPollTimeout), in the
 *                        transport's time base
 * @param waitMillis      all time waited, including dfu-util's fixed pauses (1 s per manifestation poll)
 * @param wallNanos       wall-clock duration of the run; informational only, never assert on it
 * @param bytes           payload bytes written or read
 */
public record DfuReport(Map<String, Integer> requests, int getStatusPolls, long pollWaitMillis, long waitMillis,
                        long wallNanos, long bytes) {

    public DfuReport {
        requests = Map.copyOf(requests);
    }

    /** How many {@code request}s were sent (0 if none). */
    public int count(String request) {
        return requests.getOrDefault(request, 0);
    }

    /** How many {@code request}s were sent (0 if none). */
    public int count(DfuRequest request) {
        return count(request.name());
    }
}
