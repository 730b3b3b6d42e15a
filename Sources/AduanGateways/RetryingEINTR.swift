import Glibc

/// Calls a system call again while it fails with EINTR (a signal arrived
/// before it did anything): the spool, inbound and log readers all need it.
func retryingEINTR<Result: BinaryInteger>(_ call: () -> Result) -> Result {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
