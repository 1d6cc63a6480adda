#include "replay_shards.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

namespace b24 {

namespace {
constexpr std::size_t kBatch = 2048;  // hits handed to a shard at once
constexpr std::size_t kQueued = 4;    // batches waiting per shard, at most
}  // namespace

struct ReplayShards::Shard {
    Shard(const Rules& rules, const SymbolTable& symbols) : engine(rules, symbols) {
        filling.reserve(kBatch);
        thread = std::thread([this] { run(); });
    }

    void run() {
        for (;;) {
            std::vector<Hit> batch;
            {
                std::unique_lock<std::mutex> lock(mu);
                cv.wait(lock, [this] { return !queued.empty() || closing; });
                if (queued.empty()) return;
                batch = std::move(queued.front());
                queued.pop_front();
            }
            cv.notify_all();  // room for the dealer
            try {
                if (!failure)
                    for (const Hit& h : batch) engine.add(h);
            } catch (...) {
                failure = std::current_exception();  // read after join
            }
            batch.clear();
            std::lock_guard<std::mutex> lock(mu);
            spare.push_back(std::move(batch));
        }
    }

    // From the dealer: `filling` to the queue, and an empty batch in its place.
    void send() {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [this] { return queued.size() < kQueued; });
        queued.push_back(std::move(filling));
        if (spare.empty()) {
            filling = {};
            filling.reserve(kBatch);
        } else {
            filling = std::move(spare.back());
            spare.pop_back();
        }
        lock.unlock();
        cv.notify_all();
    }

    void close() {
        if (!thread.joinable()) return;
        if (!filling.empty()) send();
        {
            std::lock_guard<std::mutex> lock(mu);
            closing = true;
        }
        cv.notify_all();
        thread.join();
    }

    Engine engine;
    std::vector<Hit> filling;  // the dealer's
    std::mutex mu;
    std::condition_variable cv;  // any change of what mu guards
    std::deque<std::vector<Hit>> queued;
    std::vector<std::vector<Hit>> spare;
    bool closing = false;
    std::exception_ptr failure;
    std::thread thread;  // last: started once everything above exists
};

ReplayShards::ReplayShards(const Rules& rules, const SymbolTable& symbols, int shards) {
    for (int i = 0; i < std::max(1, shards); ++i)
        shards_.push_back(std::make_unique<Shard>(rules, symbols));
}

ReplayShards::~ReplayShards() { close(); }

void ReplayShards::close() {
    for (auto& s : shards_) s->close();
}

void ReplayShards::add(Hit&& hit) {
    // A portal belongs to the shard next in turn when its first hit comes: which shard
    // replays it changes nothing in the report.
    const std::size_t key = hit.portal == kNoSym ? 0 : std::size_t{hit.portal} + 1;
    if (key >= owner_.size()) owner_.resize(key + 1, 0);
    std::uint32_t& owner = owner_[key];
    if (owner == 0) {
        owner = static_cast<std::uint32_t>(next_ + 1);
        next_ = (next_ + 1) % shards_.size();
    }
    Shard& s = *shards_[owner - 1];
    s.filling.push_back(std::move(hit));
    if (s.filling.size() == kBatch) s.send();
}

void ReplayShards::finish(Report& out) {
    close();
    for (auto& s : shards_)
        if (s->failure) std::rethrow_exception(s->failure);
    clear_replay_lists(out);
    for (auto& s : shards_) s->engine.collect(out);
    order_report(out);
}

}  // namespace b24
