#include "io_input_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>

#include "error.h"

namespace b24::io {

namespace {

std::string errno_text(int e) { return std::system_category().message(e); }

}  // namespace

InputFile::InputFile(const std::string& path) : name_(path) {
    if (path == "-") {
        fd_ = STDIN_FILENO;
    } else {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw Error(path, errno_text(errno));
        owned_ = true;
    }
    // From here on a throw must release what the constructor took: no destructor runs.
    auto fail = [&](int e) {
        if (owned_) ::close(fd_);
        if (wake_[0] >= 0) ::close(wake_[0]);
        if (wake_[1] >= 0) ::close(wake_[1]);
        throw Error(path, errno_text(e));
    };
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail(errno);
    if (S_ISDIR(st.st_mode)) fail(EISDIR);
    regular_ = S_ISREG(st.st_mode);
    if (regular_) {
        size_ = static_cast<std::uint64_t>(st.st_size);
        ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
    } else if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
        fail(errno);
    }
}

InputFile::~InputFile() {
    if (owned_) ::close(fd_);
    if (wake_[0] >= 0) ::close(wake_[0]);
    if (wake_[1] >= 0) ::close(wake_[1]);
}

void InputFile::interrupt() {
    stopped_.store(true);
    if (wake_[1] >= 0) {
        const char c = 0;
        if (::write(wake_[1], &c, 1) < 0) {
            // Full pipe: a wake-up is already pending, which is all we need.
        }
    }
}

bool InputFile::wait_readable() {
    for (;;) {
        pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        int r = ::poll(fds, 2, -1);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw Error(name_, errno_text(errno));
        }
        if (fds[1].revents != 0) return false;
        if (fds[0].revents != 0) return true;  // data, hang-up or error: read() tells which
    }
}

std::size_t InputFile::read_fd(char* buf, std::size_t n) {
    n = std::min<std::size_t>(n, SSIZE_MAX);
    for (;;) {
        if (stopped_.load(std::memory_order_relaxed)) return 0;
        // Regular files never block for long; anything else is polled together with the
        // wake-up pipe so that interrupt() can end the wait.
        if (!regular_ && !wait_readable()) return 0;
        ssize_t r = ::read(fd_, buf, n);
        if (r >= 0) return static_cast<std::size_t>(r);
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        throw Error(name_, errno_text(errno));
    }
}

std::string InputFile::peek(std::size_t n) {
    while (peeked_.size() < n && !eof_) {
        char tmp[64];
        std::size_t r = read_fd(tmp, std::min(sizeof tmp, n - peeked_.size()));
        if (r == 0) {
            eof_ = true;
        } else {
            peeked_.append(tmp, r);
        }
    }
    return peeked_.substr(0, n);
}

std::size_t InputFile::read(char* buf, std::size_t n, bool full) {
    if (pending_) std::rethrow_exception(pending_);
    std::size_t got = std::min(n, peeked_.size());
    if (got > 0) {
        std::memcpy(buf, peeked_.data(), got);
        peeked_.erase(0, got);
    }
    const std::size_t from_peek = got;
    while (got < n && !eof_) {
        if (!full && got > from_peek) break;
        std::size_t r = 0;
        try {
            r = read_fd(buf + got, n - got);
        } catch (...) {
            // Hand out what was read before the fault; the next call throws.
            if (got == 0) throw;
            pending_ = std::current_exception();
            break;
        }
        if (r == 0) {
            eof_ = true;
        } else {
            got += r;
        }
    }
    offset_.fetch_add(got, std::memory_order_relaxed);
    return got;
}

}  // namespace b24::io
