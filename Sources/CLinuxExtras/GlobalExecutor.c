// Swift concurrency's default global executor on Linux runs tasks on
// libdispatch's non-overcommit root queues. The first worker thread of such
// a queue starts libdispatch's pool monitor: a one-second timer on its
// manager queue that never stops, so an idle daemon still wakes every second
// (PRODUCT.md §10 asks for no CPU at all when idle). Overcommit root queues
// are not monitored. The runtime's enqueue hooks (the ones SwiftNIO uses to
// take over the global executor) hand every global job to the overcommit
// root queue of default priority instead (a daemon has no use for task
// priorities); the job runs as the default executor would run it, on the
// generic executor.
#include <stdint.h>
#include "CLinuxExtras.h"

#define ADUAN_SWIFTCALL __attribute__((swiftcall))

typedef struct dispatch_queue_s *aduan_dispatch_queue;
extern aduan_dispatch_queue dispatch_get_global_queue(intptr_t identifier, uintptr_t flags);
extern void dispatch_async_f(aduan_dispatch_queue queue, void *context, void (*work)(void *));
extern void dispatch_after_f(uint64_t when, aduan_dispatch_queue queue, void *context, void (*work)(void *));
extern uint64_t dispatch_time(uint64_t when, int64_t delta);

// libdispatch's DISPATCH_QUEUE_OVERCOMMIT and DISPATCH_QUEUE_PRIORITY_DEFAULT: values
// fixed by its ABI; its headers are not on a C target's include path.
enum { overcommit = 0x2, default_priority = 0 };

// The runtime's SerialExecutorRef; all zero is the generic executor.
typedef struct { void *identity; uintptr_t implementation; } aduan_executor_ref;
ADUAN_SWIFTCALL extern void swift_job_run(void *job, aduan_executor_ref executor);
ADUAN_SWIFTCALL extern void swift_get_time(long long *seconds, long long *nanoseconds, int clock);

typedef ADUAN_SWIFTCALL void (*enqueue_original)(void *job);
typedef ADUAN_SWIFTCALL void (*delay_original)(unsigned long long delay, void *job);
typedef ADUAN_SWIFTCALL void (*deadline_original)(long long sec, long long nsec, long long tsec, long long tnsec,
                                                  int clock, void *job);
extern void *swift_task_enqueueGlobal_hook;
extern void *swift_task_enqueueGlobalWithDelay_hook;
extern void *swift_task_enqueueGlobalWithDeadline_hook;

static aduan_dispatch_queue queue;

static void run(void *job) {
    swift_job_run(job, (aduan_executor_ref){0, 0});
}

static ADUAN_SWIFTCALL void enqueue(void *job, enqueue_original original) {
    (void)original;
    dispatch_async_f(queue, job, run);
}

static ADUAN_SWIFTCALL void enqueue_with_delay(unsigned long long delay, void *job, delay_original original) {
    (void)original;
    int64_t nanoseconds = delay > INT64_MAX ? INT64_MAX : (int64_t)delay;
    dispatch_after_f(dispatch_time(0, nanoseconds), queue, job, run);
}

static ADUAN_SWIFTCALL void enqueue_with_deadline(long long sec, long long nsec, long long tsec, long long tnsec,
                                                  int clock, void *job, deadline_original original) {
    (void)tsec; (void)tnsec; (void)original;
    // The deadline is on the task's clock (continuous or suspending);
    // dispatch_time counts from now, so the wait is measured on that clock.
    long long now_sec = 0, now_nsec = 0;
    swift_get_time(&now_sec, &now_nsec, clock);
    long long seconds = sec - now_sec;
    long long wait;
    if (seconds < 0) {
        wait = 0;
    } else if (seconds >= INT64_MAX / 1000000000LL - 1) {
        // Nanoseconds past about 292 years overflow: as good as never.
        wait = INT64_MAX;
    } else {
        wait = seconds * 1000000000LL + (nsec - now_nsec);
    }
    if (wait <= 0) {
        dispatch_async_f(queue, job, run);
    } else {
        dispatch_after_f(dispatch_time(0, wait), queue, job, run);
    }
}

void aduan_run_tasks_on_overcommit_queue(void) {
    queue = dispatch_get_global_queue(default_priority, overcommit);
    if (queue == 0) return;
    swift_task_enqueueGlobalWithDeadline_hook = (void *)enqueue_with_deadline;
    swift_task_enqueueGlobalWithDelay_hook = (void *)enqueue_with_delay;
    swift_task_enqueueGlobal_hook = (void *)enqueue;
}
