#include "thread_priority.h"

#include <algorithm>

#if defined(__linux__)
#include <cerrno>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace b24 {

void lower_thread_priority(int steps) {
#if defined(__linux__)
    if (steps <= 0) return;
    const auto self = static_cast<id_t>(gettid());
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, self);  // -1 is a valid nice: errno tells
    if (errno != 0) return;
    setpriority(PRIO_PROCESS, self, std::min(19, now + steps));  // best effort
#else
    (void)steps;
#endif
}

}  // namespace b24
