// ParsePool: jobs run on workers, at the priority the pool was asked for.
#include <catch2/catch.hpp>

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>

#include "parse_pool.h"
#include "rules.h"
#include "symbols.h"

using namespace b24;

namespace {

#if defined(__linux__)
int nice_of_this_thread() { return getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())); }

// The nice level each of `workers` workers reports from a job.
std::set<int> worker_nice(int workers, int nice) {
    SymbolTable symbols;
    const Rules rules = default_rules();
    const ParseContext ctx{&symbols, &rules};
    std::mutex mu;
    std::condition_variable cv;
    std::set<int> seen_workers, levels;
    {
        ParsePool pool(workers, ctx, nice);
        // Each job waits until every worker has one, so each worker runs exactly one.
        for (int i = 0; i < workers; ++i) {
            pool.submit([&](ChunkParser&, int worker) {
                std::unique_lock<std::mutex> lock(mu);
                seen_workers.insert(worker);
                levels.insert(nice_of_this_thread());
                cv.notify_all();
                cv.wait(lock, [&] { return static_cast<int>(seen_workers.size()) == workers; });
            });
        }
    }
    REQUIRE(static_cast<int>(seen_workers.size()) == workers);
    return levels;
}
#endif

}  // namespace

#if defined(__linux__)
TEST_CASE("parse pool: workers run the asked nice levels below the thread that made it",
          "[parse_pool]") {
    const int base = nice_of_this_thread();
    CHECK(worker_nice(2, 0) == std::set<int>{base});
    CHECK(worker_nice(3, 5) == std::set<int>{std::min(19, base + 5)});
    CHECK(worker_nice(2, 40) == std::set<int>{19});  // no further than 19
    CHECK(nice_of_this_thread() == base);              // the caller keeps its own
}
#endif
