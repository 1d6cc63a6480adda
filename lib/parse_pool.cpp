#include "parse_pool.h"

#include "thread_priority.h"

namespace b24 {

ParsePool::ParsePool(int workers, const ParseContext& base, int nice) {
    for (int i = 0; i < workers; ++i) state_.push_back(std::make_unique<Worker>());
    for (int i = 0; i < workers; ++i) {
        ParseContext ctx = base;
        ctx.symbols = &state_[static_cast<std::size_t>(i)]->symbols;
        threads_.emplace_back([this, i, ctx, nice] { work(i, ctx, nice); });
    }
}

ParsePool::~ParsePool() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void ParsePool::work(int index, ParseContext ctx, int nice) {
    lower_thread_priority(nice);
    ChunkParser parser(ctx);
    for (;;) {
        Job job;
        {
            std::unique_lock<std::mutex> lock(mu_);
            cv_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
            if (jobs_.empty()) return;  // stopping, nothing left
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        job(parser, index);
    }
}

void ParsePool::submit(Job job) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

void ParsePool::publish(int worker) {
    Worker& self = *state_[static_cast<std::size_t>(worker)];
    std::lock_guard<std::mutex> lock(self.log_mu);
    for (std::size_t i = self.log.size(); i < self.symbols.size(); ++i)
        self.log.emplace_back(self.symbols.name(static_cast<Sym>(i)));
}

const std::vector<Sym>& ParsePool::names(int worker, std::size_t end, SymbolTable& into) {
    Worker& w = *state_[static_cast<std::size_t>(worker)];
    if (w.remap.size() < end) {
        std::lock_guard<std::mutex> lock(w.log_mu);
        for (std::size_t i = w.remap.size(); i < end; ++i) w.remap.push_back(into.intern(w.log[i]));
    }
    return w.remap;
}

}  // namespace b24
