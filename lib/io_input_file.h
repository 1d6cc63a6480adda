// The raw bytes of one opened input (a file descriptor), read with read(2) in large chunks.
// A read that may block (pipe, terminal) can be interrupted from another thread, so that a
// background decoder stops promptly when its consumer goes away.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

namespace b24::io {

class InputFile {
public:
    // Opens `path` ("-" is stdin, which is never closed). Throws Error(path, ...) for a
    // missing file, a directory or an unreadable one.
    explicit InputFile(const std::string& path);
    ~InputFile();
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    // Up to `n` bytes into `buf`, 0 only at the end of the input (or once interrupted).
    // `full`: keep reading until `n` bytes or the end, so that the chunks given to a decoder
    // depend on the content only, not on how a pipe delivers it. Throws Error(name, ...) on
    // an I/O error.
    std::size_t read(char* buf, std::size_t n, bool full);

    // Reads the first `n` bytes (fewer at the end) without consuming them: the next read()
    // returns them first. Used to detect the compression.
    std::string peek(std::size_t n);

    // Makes a blocked or later read() return 0. Callable from any thread.
    void interrupt();

    const std::string& name() const { return name_; }
    bool regular() const { return regular_; }
    std::uint64_t offset() const { return offset_.load(std::memory_order_relaxed); }
    std::uint64_t size() const { return size_; }  // 0 unless a regular file

private:
    bool wait_readable();  // false once interrupted
    std::size_t read_fd(char* buf, std::size_t n);

    std::string name_;
    int fd_ = -1;
    bool owned_ = false;
    bool regular_ = false;
    bool eof_ = false;
    int wake_[2] = {-1, -1};  // self-pipe that interrupt() writes to (non-regular files)
    std::atomic<bool> stopped_{false};
    std::atomic<std::uint64_t> offset_{0};  // bytes returned by read() so far
    std::uint64_t size_ = 0;
    std::exception_ptr pending_;  // an I/O error met after some bytes of a read()
    std::string peeked_;  // read ahead by peek(), not yet returned by read()
};

}  // namespace b24::io
