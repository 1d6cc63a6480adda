// Worker threads that parse runs of lines (a ChunkParser each, with a symbol table of its
// own) while the reading thread goes on: results come back as futures, consumed in input
// order, and names(worker, end) maps a worker's ids to the reading thread's table.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "chunk_parser.h"

namespace b24 {

class ParsePool {
public:
    ParsePool(int workers, const ParseContext& base);
    ~ParsePool();  // finishes queued work, then joins
    // Parses `len` bytes of `buffer` (which has kLinePadding more) on a worker.
    std::future<ParsedRun> submit(std::shared_ptr<std::vector<char>> buffer, std::size_t len,
                                  LineFormat format);
    // From the reading thread only: ids in `into` of a worker's first `end` names.
    const std::vector<Sym>& names(int worker, std::size_t end, SymbolTable& into);

private:
    struct Worker {
        SymbolTable symbols;         // the worker's own
        std::mutex log_mu;
        std::deque<std::string> log;  // its names in id order, as the reading thread may see them
        std::vector<Sym> remap;       // reading thread: worker id -> id in the run's table
    };
    using Task = std::function<void(ChunkParser&, Worker&, int)>;
    void work(int index, ParseContext ctx);

    std::vector<std::unique_ptr<Worker>> state_;
    std::vector<std::thread> threads_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Task> tasks_;
    bool stop_ = false;
};

}  // namespace b24
